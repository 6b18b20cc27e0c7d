"""The walk: optax-style optimizers and learning-rate schedules, the blindfolded walker, and
minibatch gradients."""
