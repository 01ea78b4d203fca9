"""Validation: is a package fit to publish? ``validate()`` runs the frictionless adapter and the
checks, and returns :class:`~perfsite.errors.Issue` values with hints an officer can act on."""
