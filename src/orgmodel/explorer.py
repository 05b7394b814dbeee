"""The explorer: an organisation's whole history in one HTML page with a time slider, which works offline.

Most users call :meth:`Timeline.explore <orgmodel.Timeline.explore>` (or run
``orgmodel explore --data FILE -o org.html``) and save or display the :class:`Explorer` it
returns.  The page needs no server and fetches nothing: its data, script and
styles are inside it.  :func:`slider_days` gives the days its slider steps
through.  See ``docs/explorer.md``.

>>> import orgmodel as om
>>> from orgmodel.explorer import Explorer, slider_days
>>> org = om.Timeline([om.Establish(om.Unit("ks", "Kommunstyrelsen", kind="board"), on="i januari 2015")])
>>> [day.isoformat() for day in slider_days(org)]
['2015-01-01', '2015-01-31']
>>> isinstance(org.explore(), Explorer)
True
"""

from orgmodel._explore import Explorer
from orgmodel._explore._payload import slider_days

__all__ = ["Explorer", "slider_days"]
