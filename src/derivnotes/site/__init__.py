"""The site: the Python-Markdown extension (:mod:`.extension`) that checks and renders blocks
in any builder, the HTML of a checked derivation (:mod:`.render`), build-time math
(:mod:`.typeset`), the after-build jobs any generator can run (:mod:`.postbuild`: CSS pruning
with :mod:`.cssprune`, search text with :mod:`.searchtext`), and the MkDocs plugin
(:mod:`.plugin`), the only module that imports mkdocs. Importing this package does not import
the plugin."""

from derivnotes.site.extension import DerivationBuildError, DerivnotesExtension, makeExtension
from derivnotes.site.postbuild import PostBuild, postbuild
from derivnotes.site.render import render_result
from derivnotes.site.typeset import TypesetError, Typesetter

__all__ = [
    "DerivationBuildError",
    "DerivnotesExtension",
    "PostBuild",
    "TypesetError",
    "Typesetter",
    "makeExtension",
    "postbuild",
    "render_result",
]
