"""``python manage.py seed_demo``: demo log-ins for every role, and whatever demo data the
apps add (see portal/core/demo.py). Safe to run again: the second run changes nothing."""

from django.core.management.base import BaseCommand
from django.db import transaction

from portal.core import demo


class Command(BaseCommand):
    help = "创建或更新演示数据（各角色的登录账号等），可重复运行。"

    def handle(self, *args, **options):
        demo.discover()
        with transaction.atomic():
            ctx = demo.run_steps(demo.DemoContext(stdout=self.stdout if options["verbosity"] > 1 else None))
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。演示账号（用手机号和密码登录）："))
        self.stdout.write(demo.login_table(ctx.logins))
        for note in ctx.notes:
            self.stdout.write(note)
        self.stdout.write("工作人员请登录 /admin/ 供电服务管理后台；客户请登录首页。")
