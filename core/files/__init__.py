"""Files losswalk reads and writes: surfaces from other tools, exports, sessions, settings."""
