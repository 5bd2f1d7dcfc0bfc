"""derivnotes: machine-checked derivations of machine-learning gradients."""

__version__ = "0.1.0"
