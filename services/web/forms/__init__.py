"""The web app's WTForms forms, one module per area of pages."""
