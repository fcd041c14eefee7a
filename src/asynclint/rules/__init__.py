"""One module per rule, named ``asl<code>_<slug>.py``; the registry discovers them."""
