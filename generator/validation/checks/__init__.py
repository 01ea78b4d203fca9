"""The checks validation runs, one concern each: package settings, identifiers, periods, values and
limits, outturns, measures, publications, text safety, statuses, releases, printed statuses, the
published record and the archive."""
