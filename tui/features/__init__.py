"""One controller per feature: its keys' actions and its part of the redraw, out of the app.

Each module holds one small class built with the app (`LosswalkApp.controller(name)`, the first
time the feature is used, so the first frame imports none of them). The app's action for a key
is one line that calls the controller; `LosswalkApp._sync` calls a controller's `sync()` while
its feature is on, and once more after it is turned off, so it can clear what it drew.
"""
