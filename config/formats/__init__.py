"""The site's date formats, over Django's for English (FORMAT_MODULE_PATH)."""
