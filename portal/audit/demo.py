"""Demo entries for the 数据访问记录 page: the resident verified her real name, then an account
manager opened her ID card photo."""

from portal.audit.models import AuditEvent, AuditKind
from portal.audit.services import record
from portal.core.demo import DemoContext, demo_step


@demo_step("audit_trail", after=["people"])
def audit_trail(ctx: DemoContext) -> None:
    resident, manager = ctx.users["resident"], ctx.users["manager"]
    entries = [
        (resident, "实名认证", AuditKind.CHANGE, "10.63.20.118"),
        (manager, "查看身份证照片", AuditKind.ACCESS, "10.63.1.25"),
    ]
    for actor, action, kind, ip in entries:
        # The trail is append-only: add an entry only once, however often the seed runs.
        if not AuditEvent.objects.filter(actor=actor, subject=resident, action=action).exists():
            record(actor=actor, action=action, obj=resident, subject=resident, kind=kind, ip=ip)
