"""losswalk numerics: losses, models, landscapes, minima, optimizers, the walker, text rasters. No Textual here."""
