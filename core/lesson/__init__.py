"""The lesson: the tour's slides, the practice problems, and the data behind a point."""
