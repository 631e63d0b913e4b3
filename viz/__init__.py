"""The live view (Solara): ``viz/app.py`` is the page, ``viz/components/`` its parts."""
