"""losswalk numerics: losses, models, landscapes, minima, optimizers, the walker, text rasters.

Nothing here imports Textual: every piece is a plain function or small dataclass.
"""
