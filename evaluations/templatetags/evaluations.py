"""``{% review_todos %}``: the 好差评 to-do items, for the home page and 服务记录 to include
without knowing anything about reviews."""

from django import template

from evaluations.selectors import pending_items

register = template.Library()

TODO_LIMIT = 10


@register.inclusion_tag("evaluations/_todos.html", takes_context=True)
def review_todos(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    items = list(pending_items(user=user)[: TODO_LIMIT + 1]) if user is not None else []
    return {"items": items[:TODO_LIMIT], "more": len(items) > TODO_LIMIT}
