"""The peer stacks of the benchmark (issue 13, item 5): minimal Streamlit apps a user might pick instead of qtmap.

Each peer app (pydeck_app.py, cluster_app.py, geojson_app.py) reads the same synthetic register as qtmap
(``QTMAP_PROJECTS=FILE``, from bench/synth.py) and has the same sidebar sector filter; folium's CDN assets
are vendored in bench/vendor/ and served by the app itself (bench/peers/common.py). floor.py writes the
floor (a static page stamping one circle image N times on a canvas); measure.py drives them all, and
qtmap, in Chromium; table.py writes the results table.
"""
