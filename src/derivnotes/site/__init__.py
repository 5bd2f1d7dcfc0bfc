"""The site: the Python-Markdown extension (:mod:`.extension`) that checks and renders blocks
in any builder, the HTML of a checked derivation (:mod:`.render`), build-time math
(:mod:`.typeset`), CSS pruning (:mod:`.cssprune`), search text (:mod:`.searchtext`), and the
MkDocs plugin (:mod:`.plugin`), the only module that imports mkdocs. Importing this package
imports none of them."""
