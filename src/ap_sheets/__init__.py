"""ap-sheets: collect, check and consolidate alternative provision returns in Excel."""

__version__ = "0.1.0"
