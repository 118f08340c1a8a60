"""``python -m desec_nlp`` runs the ``desec`` command line."""
from .cli import main

main()
