"""The landscapes: losses, datasets, models and analytic surfaces, the fast loss grid, and
the search for minima, saddles and maxima."""
