"""The checks: pandera schemas for values, rule functions for rows and whole returns."""
