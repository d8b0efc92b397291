"""Start the test OpenID Connect provider: ``python -m tests.oidc_provider.serve --port 8001``.

Environment:
  OIDC_PROVIDER_DB       SQLite file (made and migrated here; default next to this file)
  OIDC_PROVIDER_CLIENTS  JSON list of {"client_id", "client_secret", "redirect_uris", "post_logout_redirect_uris"}
  OIDC_PROVIDER_USERS    JSON list of {"username", "password", "name", "id_card", "phone_number"}
Prints ``ready http://127.0.0.1:<port>`` once it accepts connections."""

import argparse
import json
import os


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    for spec in json.loads(os.environ.get("OIDC_PROVIDER_USERS", "[]")):
        user, _created = User.objects.get_or_create(username=spec["username"])
        user.set_password(spec["password"])
        user.save()
    for spec in json.loads(os.environ.get("OIDC_PROVIDER_CLIENTS", "[]")):
        Application.objects.filter(client_id=spec["client_id"]).delete()
        Application.objects.create(
            name=spec["client_id"],
            client_id=spec["client_id"],
            client_secret=spec["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(spec["redirect_uris"]),
            post_logout_redirect_uris=" ".join(spec.get("post_logout_redirect_uris", [])),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )

    import socketserver

    from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format, *args):
            if os.environ.get("OIDC_PROVIDER_VERBOSE"):
                super().log_message(format, *args)

    class ThreadedServer(socketserver.ThreadingMixIn, WSGIServer):
        daemon_threads = True

    httpd = ThreadedServer(("127.0.0.1", args.port), QuietHandler, ipv6=False)
    httpd.set_app(get_wsgi_application())
    print(f"ready http://127.0.0.1:{args.port}", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
