"""The explorer: an organisation's history in one offline HTML page with a time slider.

``_payload`` exports a timeline as the page's data (from the public API only),
``_union`` builds the union tree the page lays out once for stable positions,
``_page`` puts data, script (``explorer.js``) and styles (``explorer.css``) into
one file and shows it in notebooks.

>>> import orgmodel as om
>>> org = om.Timeline([om.Establish(om.Unit("ks", "Kommunstyrelsen", kind="board"), on="2015-01-01")])
>>> Explorer(org).data["days"]
['2015-01-01']
"""

from orgmodel._explore._page import Explorer

__all__ = ["Explorer"]
