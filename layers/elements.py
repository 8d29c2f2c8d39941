"""The folium elements qtmap adds to a map: the qtmap.js layer, its legend control and the attribution line."""

from __future__ import annotations

import html
from collections.abc import Sequence

from branca.element import Element, MacroElement
from folium.elements import ElementAddToElement
from folium.map import Layer
from folium.template import Template

from layers.encoding import script_json

__all__ = ["QtmapAttribution", "QtmapLayer", "QtmapLegend"]


class _RawScript(Element):
    """Script text put into the page as it is (not a Jinja template, unlike ``branca.Element``)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "RawScript"
        self.text = text

    def render(self, **kwargs: object) -> str:
        return self.text


def _script(element: MacroElement, kwargs: dict[str, object]) -> str:
    """The text of ``element``'s ``script`` macro (rendered once, not wrapped in a new template)."""
    return element._template.module.__dict__["script"](element, kwargs)


class QtmapLayer(Layer):
    """A map layer drawn by a qtmap.js function: ``qtmap.<function>(<args as JSON>...)``.

    It is a folium ``Layer``, so it appears in the layer control and can be put in
    a ``FeatureGroup`` (which streamlit-folium sends without remounting the map).
    Unlike folium's elements, its script goes into the page as text: folium wraps
    each rendered script in a new Jinja template, which for a large register
    re-parses megabytes of JSON (data never holds Jinja syntax: see script_json).
    """

    # streamlit-folium reads this macro for layers in ``feature_group_to_add``; render() adds the same text itself.
    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = qtmap.{{ this.function }}({{ this.args }});
        {% endmacro %}
    """)

    def __init__(self, function: str, args: Sequence[object], name: str, overlay: bool = True,
                 control: bool = True, show: bool = True) -> None:
        super().__init__(name=name, overlay=overlay, control=control, show=show)
        self._name = "QtmapLayer"
        self.function = function
        self.args = ", ".join(script_json(a) for a in args)

    def render(self, **kwargs: object) -> None:
        """Add the script to the page (as text) and the add-to-parent call, like ``folium.map.Layer``.

        folium's own render would wrap the script in a new Jinja ``Element`` (re-parsing
        megabytes of JSON), so this one mirrors ``Layer.render`` + ``MacroElement.render``.
        """
        if self.show:
            self.add_child(ElementAddToElement(element_name=self.get_name(),
                                               element_parent_name=self._parent.get_name()),
                           name=self.get_name() + "_add")
        root = self.get_root()
        root.script.add_child(_RawScript(_script(self, kwargs)), name=self.get_name())
        for name, child in self._children.items():
            if isinstance(child, ElementAddToElement):  # as text too: MacroElement.render compiles it as a template
                root.script.add_child(_RawScript(_script(child, kwargs)), name=name)
            else:
                child.render(**kwargs)

    def fresh_copy(self) -> QtmapLayer:
        """A new, unattached layer drawing the same data (the serialised data is shared, not rebuilt)."""
        layer = QtmapLayer(self.function, [], self.layer_name, self.overlay, self.control, self.show)
        layer.args = self.args
        return layer


class QtmapLegend(MacroElement):
    """The legend control of a layer group: shown while the group is on the map.

    Filters replace the group, and with it the legend, so the legend always
    describes what is drawn.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (group) {
          var control = qtmap.legend({{ this.spec }});
          group.on("add", function () { control.addTo(group._map); });
          group.on("remove", function () { control.remove(); });
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, spec: dict[str, object]) -> None:
        super().__init__()
        self._name = "QtmapLegend"
        self.spec = script_json(spec)


class QtmapAttribution(MacroElement):
    """Adds the data sources' attribution text to the map's attribution control."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text }});
        {% endmacro %}
    """)

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "QtmapAttribution"
        self.text = script_json(html.escape(text))
