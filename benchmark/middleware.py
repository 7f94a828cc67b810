"""Counts the database queries of each request and reports them in a response header, so the load
generator can record queries per request against the real server (benchmark settings only)."""

from django.db import connections

KOP = "X-Queries"


def queries_tellen(get_response):
    def middleware(request):
        aantal = 0

        def tellen(execute, sql, params, many, context):
            nonlocal aantal
            aantal += 1
            return execute(sql, params, many, context)

        with connections["default"].execute_wrapper(tellen):
            response = get_response(request)
        response[KOP] = str(aantal)
        return response

    return middleware
