# Read by gunicorn when started from the repository's root (its default config file).
# The access log masks ID numbers in request paths and query strings (SPEC §2).
logger_class = "nantong_credit.gunicorn_logging.MaskingLogger"
