"""Checks of seed 002 made at submit: the low-voltage capacity policy (160 kW, or 300 kW in a
registered small-and-micro-enterprise park), high voltage asked for under 160 kW, and a second
account at an address that already has one (一址多户). They flag, they do not refuse."""

from decimal import Decimal

from django.utils.translation import gettext as _

from applications.models import AbnormalFlag, Application, ApplicationState, ServiceAccount

LV_LIMIT_KW = Decimal("160")
LV_LIMIT_IN_PARK_KW = Decimal("300")


def normalized_address(address: str) -> str:
    return "".join((address or "").split()).replace("号", "").replace("#", "").lower()


def policy_flags(application: Application, answers: dict) -> list[tuple[str, str]]:
    business = application.business
    account = application.service_account
    flags: list[tuple[str, str]] = []
    capacity = business.capacity_requested(answers, account)
    high_voltage = business.voltage == "HV" or (account is not None and account.is_high_voltage)
    if capacity is not None and not high_voltage:
        in_park = bool(answers.get("park"))
        limit = LV_LIMIT_IN_PARK_KW if in_park else LV_LIMIT_KW
        if capacity > limit:
            flags.append(
                (
                    AbnormalFlag.Kind.LV_OVER_LIMIT,
                    _("低压申请容量 %(cap)s 千瓦，超过%(where)s %(limit)s 千瓦的低压接入标准")
                    % {"cap": capacity, "where": _("园区内") if in_park else _("园区外"), "limit": limit},
                )
            )
    if capacity is not None and high_voltage and capacity < LV_LIMIT_KW:
        flags.append(
            (
                AbnormalFlag.Kind.HV_UNDER_160,
                _("申请容量 %(cap)s 千伏安，低于 160 千瓦仍申请高压供电，客户已签署说明") % {"cap": capacity},
            )
        )
    if business.is_new_connection and application.region_id and application.address:
        wanted = normalized_address(application.address)
        same_street = (
            ServiceAccount.objects.open().filter(region_id=application.region_id).values_list("number", "address")
        )
        holders = [number for number, address in same_street if normalized_address(address) == wanted]
        pending = (
            Application.objects.filter(
                region_id=application.region_id, state__in=[ApplicationState.SUBMITTED, ApplicationState.ACCEPTED]
            )
            .exclude(pk=application.pk)
            .exclude(number=None)
            .values_list("number", "address")
        )
        others = [number for number, address in pending if normalized_address(address) == wanted and number]
        if holders or others:
            flags.append(
                (
                    AbnormalFlag.Kind.ONE_ADDRESS_MANY,
                    _("该地址已有户号或在办申请：%(list)s") % {"list": "、".join(holders + others)},
                )
            )
    return flags
