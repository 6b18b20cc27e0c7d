"""The drawing: a loss grid turned into terminal cells (heatmap, contours, markers, axes),
palettes, character sets and ANSI output."""
