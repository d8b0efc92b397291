"""The applications API: serializers.py (input and output shapes), views.py (thin views over
applications.services). Routes are in applications/api_urls.py."""
