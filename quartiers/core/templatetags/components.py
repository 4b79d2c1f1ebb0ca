"""`{% component %}`: render a template of `templates/components/` around a block of content.

    {% component "table" caption="Engagements" multiline=True %}
      <thead>…</thead><tbody>…</tbody>
    {% endcomponent %}

renders `components/table.html` with `caption`, `multiline` and `content` (the enclosed
markup, already escaped by the calling template). Like `{% include … only %}`, the component
sees only its parameters. Leaf components without content use `{% include %}` directly.
"""

from django import template
from django.template.base import token_kwargs
from django.utils.safestring import mark_safe
from django.utils.text import slugify

register = template.Library()


class ComponentNode(template.Node):
    def __init__(self, name, kwargs, nodelist):
        self.name = name
        self.kwargs = kwargs
        self.nodelist = nodelist

    def render(self, context):
        values = {key: value.resolve(context) for key, value in self.kwargs.items()}
        values["content"] = mark_safe(self.nodelist.render(context))
        name = self.name.resolve(context)
        component = context.template.engine.get_template(f"components/{name}.html")
        return component.render(context.new(values))


@register.tag
def component(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs the component's name.")
    name = parser.compile_filter(bits[1])
    kwargs = token_kwargs(bits[2:], parser)
    if len(kwargs) != len(bits) - 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes only name=value parameters.")
    nodelist = parser.parse(("endcomponent",))
    parser.delete_first_token()
    return ComponentNode(name, kwargs, nodelist)


@register.simple_tag(takes_context=True)
def signed_in(context) -> bool:
    """Whether the page is shown to a signed-in person, also inside `{% include … only %}`
    (which drops the context's variables but keeps its request)."""
    request = getattr(context, "request", None)
    return bool(request is not None and request.user.is_authenticated)


@register.simple_tag(takes_context=True)
def confirmation(context):
    """For `components/post_button.html` with `confirm`: the modal's id and whether the page
    was asked to show it open (`?confirmer=<id>`, the confirmation without JavaScript)."""
    modal_id = context.get("confirm_id") or slugify(
        f"confirmer-{context.get('action', '')}-{context.get('value') or ''}"
    )
    request = context.get("request")
    opened = request is not None and request.GET.get("confirmer") == modal_id
    return {"id": modal_id, "opened": opened}
