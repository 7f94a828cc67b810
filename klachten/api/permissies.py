"""Permission checks shared by the API views."""

from rest_framework import exceptions, permissions


class BestaandeMethode(permissions.BasePermission):
    """A method the endpoint does not have is 405 with `Allow` (issue 15), not 403: DRF checks
    permissions before it looks for the handler, so without this a PUT on a read-only complaint
    told the caller "not allowed for you" instead of "not there". First in every view's list."""

    def has_permission(self, request, view):
        methode = request.method.lower()
        if methode not in view.http_method_names or not hasattr(view, methode):
            raise exceptions.MethodNotAllowed(request.method)
        return True
