"""gunicorn's configuration for every documented way of serving the application (README,
docs/deployment.md, scripts/benchmark, the fault tests):
`gunicorn config.wsgi -c config/gunicorn.conf.py --access-logfile -` (the access log where you
want it; without --access-logfile gunicorn writes none).

The access log never holds a customer's status link, a survey link or a koppellink (issue 15):
klachten.logboek.GunicornLogger masks their token in every atom (request line, Referer, headers)
and in the error log. Each access line ends with the request id (X-Request-ID, django-guid) that
the application's own lines and the 500 page carry.
"""

logger_class = "klachten.logboek.GunicornLogger"
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms %({x-request-id}o)s'
)
