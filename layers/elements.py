"""The folium elements qtmap adds to a map: the qtmap.js layer, its legend control and the attribution line."""

from __future__ import annotations

import html
from collections.abc import Sequence

from branca.element import Element, MacroElement
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


class QtmapLayer(Layer):
    """A map layer drawn by a qtmap.js function: ``qtmap.<function>(<args as JSON>...)``.

    It is a folium ``Layer``, so it appears in the layer control and can be put in
    a ``FeatureGroup`` (which streamlit-folium sends without remounting the map).
    Unlike folium's elements, its script goes into the page as text: folium wraps
    each rendered script in a new Jinja template, which for a large register
    re-parses megabytes of JSON (data never holds Jinja syntax: see script_json).
    """

    _template = Template("")  # no Jinja: the script is added as text by render()

    def __init__(self, function: str, args: Sequence[object], name: str, overlay: bool = True,
                 control: bool = True, show: bool = True) -> None:
        super().__init__(name=name, overlay=overlay, control=control, show=show)
        self._name = "QtmapLayer"
        self.function = function
        self.args = ", ".join(script_json(a) for a in args)

    def render(self, **kwargs: object) -> None:
        """Add ``var <name> = qtmap.<function>(<args>);`` to the page as text, then render like any folium Layer.

        folium's ``Layer.render`` adds the add-to-parent call (when shown) and renders the
        children; the empty template adds no script of its own.
        """
        script = f"var {self.get_name()} = qtmap.{self.function}({self.args});"
        self.get_root().script.add_child(_RawScript(script), name=self.get_name())
        super().render(**kwargs)

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
