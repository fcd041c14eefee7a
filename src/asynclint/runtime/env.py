"""The environment variables ``asynclint run`` hands to every process of the program.
Kept free of imports: the ``.pth`` bootstrap reads them in every Python that starts."""

DIR = "ASYNCLINT_RUNTIME_DIR"  # where each process writes its findings; its presence turns the hooks on
OPTIONS = "ASYNCLINT_RUNTIME_OPTIONS"  # JSON: slow_threshold, include_libraries, strict, roots
