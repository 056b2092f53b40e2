from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStaticStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage without source-map rewriting for JavaScript.

    leaflet.markercluster.js names a .js.map file that the pip package does not ship,
    which makes the stock storage fail collectstatic. CSS rewriting is kept.
    """

    patterns = (("*.css", CompressedManifestStaticFilesStorage.patterns[0][1]),)
    support_js_module_import_aggregation = False
