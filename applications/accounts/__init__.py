"""The customer's side of the service-account registry: 我的户号 (binding), 电量电费 (bills),
停电信息 (outage notices), the backoffice admin of the registry with its CSV import, and the
REST API of all three. Models live in ``applications.models``; this package holds the code
around them so the catalog's modules stay about applications."""
