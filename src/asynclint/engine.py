"""The one engine behind the CLI, flake8, pre-commit and the runtime reporter.

Pass 1, per file (parallel): decode, parse once with ``ast``, build the shared semantics, run
every selected rule's handlers in one dispatch over the nodes, record deferred call sites and
the module summary; the rules' questions (``ctx.ask``) are answered from knowledge and the file,
or recorded as pending. Pass 2, project-wide (no re-parse): the project index answers the
pending questions, and each "yes" becomes a finding through the same ``Rule.conclude`` as in
pass 1. Suppressions are applied last, outside every rule.
"""

from __future__ import annotations

import ast
import errno
import gc
import os
import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from asynclint.config import Config, matching_ignores, thaw_option
from asynclint.finding import FileError, Finding
# Module names of files live below the engine (discovery needs them too); named here as before.
from asynclint.project.modules import module_name_for, source_mentions  # noqa: F401
from asynclint.suppression import Suppressions, parse_suppressions

if TYPE_CHECKING:
    # Imported where they are used: a warm run answered by pass 2's memo parses nothing and
    # needs none of them (the semantics and the rule registry are a tenth of its time).
    from asynclint.rule import Deferred, FileInfo, Rule

NOQA_CHECK = "ASL100"  # unused-noqa: needs every finding before noqa, see FileResult.noqa_check
REPORT_HINT = "please report it at https://github.com/asynclint/asynclint/issues"


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    deferred: list[Deferred] = field(default_factory=list)
    suppressions: Suppressions = field(default_factory=Suppressions)
    summary: Any = None
    summary_digest: bytes | None = None  # project.summary.fingerprint, kept for pass 2's memo
    ignored_codes: frozenset[str] = frozenset()
    content_digest: bytes | None = None  # of the bytes linted (cache.digest), so --fix can tell an edit since
    # With ASL100 on for the file: its findings stay unfiltered by noqa until the end of pass 2,
    # when asl100_unused_noqa.check_file filters them and reports the codes that were not used.
    noqa_check: bool = False
    noqa_directives: tuple = ()


def ignored_codes(config: Config, path: str) -> frozenset[str]:
    """Codes ``per-file-ignores`` turns off for ``path`` (static and runtime findings alike)."""
    from asynclint.registry import expand

    if not config.per_file_ignores:
        return frozenset()
    out: set[str] = set()
    for _pattern, codes in matching_ignores(config, path):
        for c in codes:
            out |= expand(c)
    return frozenset(out)


class Linter:
    """Selected rules, instantiated once per process, applied to one file at a time."""

    def __init__(self, config: Config, project_root: Path | None = None, codes: frozenset[str] | None = None):
        self.config = config
        self.project_root = project_root
        self.codes = codes if codes is not None else config.enabled_codes()
        from asynclint.registry import all_rules

        options = config.options_dict()
        self.rules: list[Rule] = []
        for cls in all_rules():
            if cls.code in self.codes:
                opts = {o.key: thaw_option(options[o.key], o.type) for o in cls.options if o.key in options}
                self.rules.append(cls(opts))
        self.rules_by_code = {r.code: r for r in self.rules}
        self.base_dir = Path(config.base_dir)
        # The project's own environment, when known, answers about its libraries first.
        from asynclint.environment import activate_for

        activate_for(config, project_root)
        self.needs_summary = any(r.project_wide for r in self.rules)
        self.noqa_check = config.noqa and NOQA_CHECK in self.codes
        # For benchmarks/bench.py only: the per-file pass of the same rules without the project
        # index (no summaries, no call sites left for pass 2), to measure what the index adds.
        self.without_index = os.environ.get("ASYNCLINT_BENCH_WITHOUT_INDEX") == "1"
        if self.without_index:
            self.needs_summary = False
        # Which node types each rule handles, found once (``dir()`` per rule per file added up).
        self.handler_table: list[tuple[Rule, list[tuple[type, str]]]] = [
            (rule, [(getattr(ast, t), m) for t, m in rule.handlers().items() if getattr(ast, t, None) is not None])
            for rule in self.rules
        ]

    def add_rule(self, rule: Rule) -> None:
        """Run one more rule instance (rules from outside the registry, e.g. a plugin's)."""
        self.rules.append(rule)
        self.rules_by_code[rule.code] = rule
        self.needs_summary = (self.needs_summary or rule.project_wide) and not self.without_index
        handlers = [(getattr(ast, t), m) for t, m in rule.handlers().items() if getattr(ast, t, None) is not None]
        self.handler_table.append((rule, handlers))

    # ------------------------------------------------------------------ one file
    def ignored_for(self, path: str) -> frozenset[str]:
        return ignored_codes(self.config, path)

    def lint_path(self, path: str, display_path: str | None = None) -> FileResult:
        display = display_path or path
        try:
            with open(path, "rb") as f:
                data = f.read()
        except IsADirectoryError:
            return FileResult(display, errors=[FileError(display, "cannot analyse: is a directory")])
        except PermissionError:
            return FileResult(display, errors=[FileError(display, "cannot analyse: permission denied")])
        except FileNotFoundError:
            return FileResult(display, errors=[FileError(display, "cannot analyse: no such file")])
        except OSError as e:
            reason = "symbolic link loop" if e.errno == errno.ELOOP else (e.strerror or str(e)).lower()
            return FileResult(display, errors=[FileError(display, f"cannot analyse: {reason}")])
        return self.lint_bytes(data, path, display)

    def lint_bytes(self, data: bytes | str, path: str, display_path: str | None = None, tree: ast.Module | None = None) -> FileResult:
        """``tree``: the ``ast`` parse of ``data`` (a str) when the caller has it (the fixer
        parses each round's result to check it; a big file's parses are most of --fix)."""
        from asynclint.rule import FileInfo
        from asynclint.source import CannotAnalyse, decode, parse, via_libcst

        display = display_path or path
        try:
            text = data if isinstance(data, str) else decode(data)
            if tree is None:
                tree = parse(text, display)
        except CannotAnalyse as e:
            return FileResult(display, errors=[FileError(display, f"cannot analyse: {e}")])
        if via_libcst(tree):
            _warn_newer_target(self.config.target_version, display)
        module, is_package = module_name_for(Path(path), self.project_root)
        info = FileInfo(path=path, display_path=display, module=module, target_version=self.config.target_version)
        return self.lint_tree(tree, text, info, is_package)

    def lint_tree(self, tree: ast.Module, text: str, info: FileInfo, is_package: bool = False) -> FileResult:
        from asynclint.project.index import FILE_FACTS
        from asynclint.rule import RuleContext
        from asynclint.semantics import SemanticModel
        from asynclint.source import split_lines

        result = FileResult(info.display_path)
        ignored = self.ignored_for(info.path)
        result.ignored_codes = ignored
        lines = split_lines(text)
        try:
            sem = SemanticModel(tree, lines, info.module, is_package)
        except RecursionError:
            result.errors.append(FileError(info.display_path, "cannot analyse: nesting too deep"))
            return result
        findings: list[Finding] = []
        deferred: list[Deferred] = []
        dispatch: dict[type, list[tuple[Rule, Any, RuleContext]]] = {}
        contexts: list[tuple[Rule, RuleContext]] = []
        broken: set[str] = set()
        for rule, handled in self.handler_table:
            if rule.code in ignored:
                continue
            ctx = RuleContext(rule, sem, info, findings, deferred, FILE_FACTS)
            contexts.append((rule, ctx))
            for node_type, method in handled:
                dispatch.setdefault(node_type, []).append((rule, getattr(rule, method), ctx))

        def crash(rule: Rule, exc: BaseException) -> None:
            broken.add(rule.code)
            where = traceback.extract_tb(exc.__traceback__)[-1]
            result.errors.append(
                FileError(
                    info.display_path,
                    f"internal error in {rule.code}: {type(exc).__name__}: {exc} "
                    f"(at {os.path.basename(where.filename)}:{where.lineno}); {REPORT_HINT}",
                )
            )

        for rule, ctx in contexts:
            try:
                rule.begin(ctx)
            except Exception as exc:  # noqa: BLE001 - one rule must never stop the others
                crash(rule, exc)
        by_type = sem.by_type
        for node_type, handlers in dispatch.items():
            nodes = by_type.get(node_type)
            if not nodes:
                continue
            for rule, handler, ctx in handlers:
                if rule.code in broken:
                    continue
                try:
                    for node in nodes:
                        handler(node, ctx)
                except Exception as exc:  # noqa: BLE001
                    crash(rule, exc)
        for rule, ctx in contexts:
            if rule.code in broken:
                continue
            try:
                rule.end(ctx)
            except Exception as exc:  # noqa: BLE001
                crash(rule, exc)

        result.findings = [f for f in findings if f.code not in broken]
        result.deferred = [d for d in deferred if d.code not in broken] if not self.without_index else []
        if self.noqa_check and NOQA_CHECK not in ignored:
            from asynclint.suppression import directives

            result.noqa_check = True
            result.suppressions = parse_suppressions(text)
            result.noqa_directives = tuple(directives(text))
        else:
            result.suppressions = _suppressions_needed(text, lines, result) if self.config.noqa else Suppressions()
        if self.needs_summary:
            from asynclint.project.index import library_name
            from asynclint.project.summary import summarize

            try:
                result.summary = summarize(sem, info, library_name)
            except Exception as exc:  # noqa: BLE001
                result.errors.append(FileError(info.display_path, f"internal error in project summary: {type(exc).__name__}: {exc}; {REPORT_HINT}"))
        sem.release()
        if self.config.noqa and not result.noqa_check:
            result.findings = [f for f in result.findings if not result.suppressions.suppresses(f.line, f.code)]
        return result


_warned_targets: set[str] = set()


def _warn_newer_target(target: tuple[int, int], display: str) -> None:
    """The file is in syntax this interpreter cannot parse and the project targets a newer
    Python: the analysis reads libcst's tree in this interpreter's shapes (type parameters
    dropped, ``type X = v`` as an assignment ...), so say once which Python reads it exactly."""
    import sys

    here = sys.version_info[:2]
    if target <= here or display in _warned_targets:
        return
    _warned_targets.add(display)
    try:
        sys.stderr.write(
            f"asynclint: warning: {display}: target-version is {target[0]}.{target[1]} but this Python is "
            f"{here[0]}.{here[1]}, which cannot parse the file; it was read through libcst with newer syntax "
            f"mapped to {here[0]}.{here[1]} shapes (run asynclint under Python {target[0]}.{target[1]} for an exact reading)\n"
        )
    except Exception:  # noqa: BLE001 - a closed stderr must not stop the analysis
        pass


def _suppressions_needed(text: str, lines: list[str], result: FileResult) -> Suppressions:
    """The file's ``# noqa`` comments, read only when one could matter: tokenizing every file
    that mentions noqa anywhere was a tenth of the per-file pass. Only lines with a finding or
    a deferred call site are ever asked about (and the file-level directive)."""
    if not result.findings and not result.deferred:
        return Suppressions()
    asked = {f.line for f in result.findings} | {d.line for d in result.deferred}
    if any(0 < n <= len(lines) and "noqa" in lines[n - 1].lower() for n in asked) or _FILE_DIRECTIVE.search(text):
        return parse_suppressions(text)
    return Suppressions()


_FILE_DIRECTIVE = re.compile(r"asynclint:\s*noqa", re.IGNORECASE)


# ---------------------------------------------------------------------- many files
_WORKER: Linter | None = None


def _init_worker(config: Config, root: str | None) -> None:
    global _WORKER
    _WORKER = Linter(config, Path(root) if root else None)


def _work(item: tuple[str, str]) -> FileResult:
    assert _WORKER is not None
    return _WORKER.lint_path(item[0], item[1])


def _work_stamped(item: tuple[str, str]) -> tuple[bytes, Any, bytes | None]:
    from asynclint.cache import lint_stamped

    assert _WORKER is not None
    return lint_stamped(_WORKER, item[0], item[1])


@dataclass
class RunResult:
    files: list[FileResult]
    findings: list[Finding]
    errors: list[FileError]
    cache_stats: Any = None  # asynclint.cache.Stats of the run, when it went through lint_files

    @property
    def files_checked(self) -> int:
        return len(self.files)


# Worker processes are CPU-bound: more than a few per core only costs memory and start-up
# (``-j 100000`` used to start a thousand of them).
JOBS_PER_CORE = 2


def usable_cores() -> int:
    """The cores this process may run on (a container's CPU set, not the whole machine)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def effective_jobs(config: Config, n_files: int) -> int:
    cores = usable_cores()
    jobs = min(config.jobs or cores, JOBS_PER_CORE * cores)
    # Starting workers costs more than linting a handful of files.
    if n_files < 40:
        return 1
    return max(1, min(jobs, n_files // 20 or 1))


def lint_files(
    items: Sequence[tuple[str, str]],
    config: Config,
    project_root: Path | None = None,
    progress: Any = None,
    findings_only: bool = False,
    scope: Sequence[str] | None = None,
) -> RunResult:
    """Lint (path, display path) pairs; the output order is deterministic whatever ``--jobs``.

    Files whose cached pass-1 result is still valid are not parsed; pass 2 runs on all of them.
    ``progress(done, total)``, when given, is called as fresh files finish. With
    ``findings_only`` (the caller reads only findings and errors: no fixes, no summaries), pass
    2's memo of the same scope answers for every file the run's changes cannot have affected
    (see ``asynclint.memo``), and the run's ``files`` carry only their path and errors.
    ``scope``, the paths the items were discovered from, names that memo: files added to or
    removed from the same scope are then changes like edits, not a different memo.
    """
    from asynclint import memo
    from asynclint.cache import activate, open_cache

    cache = open_cache(config, project_root)
    if findings_only and noqa_check_selected(config):
        findings_only = False  # pass 2's memo keeps findings after noqa; ASL100 needs them before
    if findings_only and cache.enabled and items:
        state = memo.load(cache, items, project_root, scope)
        if state is not None and state.unchanged:
            cache.stats.hits = len(items)
            cache.stats.pass2_memo_hit = True
            files = [FileResult(display, errors=list(rec.errors)) for (_path, display), rec in zip(items, state.records)]
            return RunResult(files, state.findings(), [e for rec in state.records for e in rec.errors], cache.stats)
        if state is not None:
            return _relint_changed(state, items, config, project_root, cache, progress)
    results, linter = _pass1(cache, items, config, project_root, progress)
    activate(cache)  # pass 2 takes the summaries of files outside this run from it too
    reads: list[frozenset] | None = [] if cache.enabled else None
    # Every summary and call site of the project is alive now and stays so until the end: the
    # collector's full passes over them (set off by pass 2's allocations) cost more than pass
    # 2 itself on a big project. Nothing here is cyclic garbage-to-be.
    gc.freeze()
    try:
        run = finish(results, config, project_root, linter, reads)
    finally:
        gc.unfreeze()
        activate(None)
    cache.save()
    cache.stats.settled_files = len(results)
    if reads is not None:
        memo.save(cache, items, run.files, reads, scope)
    run.cache_stats = cache.stats
    return run


def noqa_check_selected(config: Config) -> bool:
    """Whether ASL100 (opt-in) can be on: only an explicit selection turns it on, so the
    default run asks no registry."""
    if not config.noqa or (config.select is None and not config.extend_select):
        return False
    return NOQA_CHECK in config.enabled_codes()


def _pass1(cache: Any, items: Sequence[tuple[str, str]], config: Config, project_root: Path | None, progress: Any = None) -> tuple[list[FileResult], Linter | None]:
    """Each item's pass-1 result: from the cache when still valid, else linted (in a pool of
    ``--jobs`` processes when there are enough) and put in the cache. Also the in-process
    Linter when one was made."""
    import pickle

    from asynclint.cache import lint_stamped

    results: list[Any] = cache.lookup(items)
    todo = [i for i, r in enumerate(results) if r is None]
    jobs = effective_jobs(config, len(todo))
    linter = None
    if todo and jobs <= 1:
        linter = Linter(config, project_root)
        fresh = (lint_stamped(linter, *items[i]) for i in todo)
        order = todo
    elif todo:
        # Biggest files first, so no worker is left alone with a huge file at the end.
        order = sorted(todo, key=lambda i: -_size(items[i][0]))
        chunk = max(1, min(32, len(order) // (jobs * 16) or 1))
        from asynclint.workers import map_in_pool

        pool, fresh = map_in_pool(jobs, _init_worker, (config, str(project_root) if project_root else None), _work_stamped, [items[i] for i in order], chunk)
    else:
        order, fresh = [], iter(())
    # Results arriving from the pool are plain data, never cyclic: the collector's full passes
    # over the growing pile of them were a tenth of a big project's pass 2. (In process, the
    # linting itself makes cyclic garbage, so the collector stays on.)
    paused = jobs > 1 and gc.isenabled()
    finished = False
    try:
        if paused:
            gc.disable()
        for n, (i, (blob, stamp, content_digest)) in enumerate(zip(order, fresh), 1):
            results[i] = pickle.loads(blob)
            cache.put(items[i][0], items[i][1], blob, stamp, content_digest)
            if progress is not None:
                progress(n, len(order))
        finished = True
    finally:
        if paused:
            gc.enable()
        if todo and jobs > 1:
            if finished:
                pool.shutdown()
            else:  # Ctrl-C or an error: the workers' remaining work is not wanted
                from asynclint.workers import stop_pool

                stop_pool(pool)
    return results, linter


def _relint_changed(state: Any, items: Sequence[tuple[str, str]], config: Config, project_root: Path | None, cache: Any, progress: Any) -> RunResult:
    """A run after some files changed (or entered or left the scope), with pass 2's memo of
    the same scope: lint the changed and new files, re-settle them and every file whose call
    sites read a module whose summary changed, a module whose file entered or left the scope,
    or an outside module that changed; keep the memo's findings for the rest. The project
    index is lazy: a module's summary is unpickled only when a call site asks."""
    from asynclint import memo
    from asynclint.cache import activate
    from asynclint.project.index import ProjectIndex

    changed = state.changed
    fresh, linter = _pass1(cache, [items[i] for i in changed], config, project_root, progress)
    settling: dict[int, FileResult] = dict(zip(changed, fresh))
    edited = state.outside_changed | state.removed
    for i, r in settling.items():
        rec = state.records[i]  # None: new to the scope
        module = r.summary.module if r.summary is not None else None
        if rec is None or module != rec.module or r.summary_digest != rec.summary_digest or r.summary_digest is None:
            edited.update(m for m in (rec.module if rec is not None else None, module) if m)
    if edited:
        readers = [i for i, rec in enumerate(state.records) if i not in settling and not rec.reads.isdisjoint(edited)]
        if readers:
            more, more_linter = _pass1(cache, [items[i] for i in readers], config, project_root)
            settling.update(zip(readers, more))
            linter = linter or more_linter

    # Module name -> the first linted file defining it, as the eager index takes them.
    module_files: dict[str, int] = {}
    for i, rec in enumerate(state.records):
        if i in settling:
            summary = settling[i].summary
            module = summary.module if summary is not None else None
        else:
            module = rec.module
        if module is not None:
            module_files.setdefault(module, i)
    outside_loader = None
    if project_root is not None:
        from asynclint.project.discovery import ModuleLoader

        outside_loader = ModuleLoader(project_root, config)
    only_summaries: dict[int, FileResult] = {}

    def load_module(name: str) -> Any:
        i = module_files.get(name)
        if i is None:
            return outside_loader(name) if outside_loader is not None else None
        r = settling.get(i) or only_summaries.get(i)
        if r is None:
            r = only_summaries[i] = _pass1(cache, [items[i]], config, project_root)[0][0]
        return r.summary

    order = sorted(settling)
    targets = [settling[i] for i in order]
    cache.stats.settled_files = len(targets)
    reads: list[frozenset] = []
    if any(r.deferred for r in targets):
        linter = linter or Linter(config, project_root)
        activate(cache)
        try:
            index = ProjectIndex((), load_module, track=True, mentioning=lambda word: [m for m, i in module_files.items() if source_mentions(items[i][0], word)])
            settle_results(targets, linter, index, reads)
        finally:
            activate(None)
    else:
        reads = [frozenset()] * len(targets)
    cache.save()

    records = list(state.records)
    complete = not cache.deps_unsure
    for i, r, rd in zip(order, targets, reads):
        rec = memo.record_for(cache, items[i][0], r, rd)
        if rec is None:
            complete = False
            break
        records[i] = rec
    if complete:
        outside = {m: d for m, d in state.outside.items() if m not in state.outside_changed}
        outside.update(cache.deps)
        memo.write(cache, state.path, records, outside)
    findings = sorted((f for rec in records for f in rec.findings), key=Finding.sort_key) if complete else None
    if findings is None:  # not all files keyed in the cache: take what this run computed directly
        findings = sorted(
            [f for i, rec in enumerate(records) if i not in settling for f in rec.findings] + [f for r in targets for f in r.findings],
            key=Finding.sort_key,
        )
    errors_of = [settling[i].errors if i in settling else rec.errors for i, rec in enumerate(state.records)]
    files = [FileResult(display, errors=list(errs)) for (_path, display), errs in zip(items, errors_of)]
    return RunResult(files, findings, [e for errs in errors_of for e in errs], cache.stats)


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def finish(
    results: list[FileResult], config: Config, project_root: Path | None, linter: Linter | None = None, reads: list[frozenset] | None = None
) -> RunResult:
    """Pass 2: settle deferred call sites with the project index, then collect. With
    ``reads``, the module names each file's call sites read are appended to it, in order."""
    if any(r.deferred for r in results):
        # Built only when needed: a warm run with nothing to settle imports no rule.
        linter = linter or Linter(config, project_root)
        index = project_index(results, linter, project_root, track=reads is not None)
        settle_results(results, linter, index, reads)
    elif reads is not None:
        reads.extend(frozenset() for _ in results)
    apply_noqa_check(results)
    findings = sorted((f for r in results for f in r.findings), key=Finding.sort_key)
    errors = [e for r in results for e in r.errors]
    return RunResult(results, findings, errors)


def apply_noqa_check(results: Iterable[FileResult]) -> None:
    """For files linted with ASL100 on (after pass 2): drop the findings a noqa suppresses and
    add ASL100's for the codes that suppressed nothing, in place."""
    todo = [r for r in results if r.noqa_check]
    if not todo:
        return
    from asynclint.registry import all_rules
    from asynclint.rules.asl100_unused_noqa import check_file

    known = frozenset(r.code for r in all_rules())
    for r in todo:
        r.findings = check_file(r.path, r, known)
        r.noqa_check = False


def project_index(results: list[FileResult], linter: Linter, project_root: Path | None, extra_summaries: Iterable[Any] = (), track: bool = False) -> Any:
    """The index of the linted files' summaries (plus ``extra_summaries``); modules of the
    project that are not being linted are summarized when a call site needs them."""
    from asynclint.project.index import ProjectIndex

    extra = list(extra_summaries)
    summaries = [r.summary for r in results if r.summary is not None] + extra
    loader = None
    if project_root is not None and not extra:  # a caller passing summaries has the project already
        from asynclint.project.discovery import ModuleLoader

        loader = ModuleLoader(project_root, linter.config)
    return ProjectIndex(summaries, loader, track=track, mentioning=loader.modules_mentioning if loader is not None else None)


def settle(results: list[FileResult], linter: Linter, project_root: Path | None, extra_summaries: Iterable[Any] = ()) -> None:
    settle_results(results, linter, project_index(results, linter, project_root, extra_summaries))


def settle_results(results: list[FileResult], linter: Linter, index: Any, reads: list[frozenset] | None = None) -> None:
    """Answer each result's pending questions with ``index`` (the same protocol as pass 1's
    answerer) and turn every "yes" into a finding through its rule's ``conclude``, in place."""
    from asynclint.finding import Finding as F

    noqa = linter.config.noqa
    for r in results:
        if reads is not None:
            index.begin_reads()
        try:
            for d in r.deferred:
                rule = linter.rules_by_code.get(d.code)
                # With ASL100 on, noqa is applied after pass 2 (apply_noqa_check), not here.
                if rule is None or (noqa and not r.noqa_check and r.suppressions.suppresses(d.line, d.code)):
                    continue
                try:
                    answer = index.answer(d.question)
                    if not answer or any(index.answer(q) for q in d.unless):
                        continue
                    message = rule.conclude(d.question, answer, d.data)
                    root, related = rule.root_cause(d.question, answer, d.data) if message is not None else ("", ())
                except Exception as exc:  # noqa: BLE001
                    r.errors.append(FileError(r.path, f"internal error in {d.code}: {type(exc).__name__}: {exc}; {REPORT_HINT}"))
                    continue
                if message is not None:
                    r.findings.append(
                        F(d.path, d.line, d.column, d.end_line, d.end_column, d.code, rule.name, message, d.fix, related=related, root=root)
                    )
        finally:
            if reads is not None:
                reads.append(index.end_reads())
        r.deferred = []


def lint_source(source: str | bytes, path: str = "<stdin>", config: Config | None = None, project_root: Path | None = None) -> RunResult:
    """Lint one in-memory module (used by tests, flake8 and stdin)."""
    config = config or Config()
    linter = Linter(config, project_root)
    result = linter.lint_bytes(source, path, path)
    return finish([result], config, project_root, linter)
