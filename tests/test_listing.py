"""The region tree of the list pages: which nodes are drawn open for a selected region."""

from __future__ import annotations

from gongkai.analysis.listing import RegionNode


def _tree() -> list[RegionNode]:
    hongze = RegionNode("洪泽区", "洪泽区", 3)  # named once in the store: selected by its own name
    huaian = RegionNode("淮安市", "江苏省淮安市", 5, {"洪泽区": hongze})
    jiangsu = RegionNode("江苏省", "江苏省", 5, {"淮安市": huaian})
    pingtan = RegionNode("平潭县", "福建省福州市平潭县", 2)
    fuzhou = RegionNode("福州市", "福建省福州市", 2, {"平潭县": pingtan})
    fujian = RegionNode("福建省", "福建省", 2, {"福州市": fuzhou})
    return [fujian, jiangsu]


def test_the_way_to_a_region_selected_by_its_own_name_is_open() -> None:
    fujian, jiangsu = _tree()
    huaian = jiangsu.children["淮安市"]
    assert jiangsu.leads_to("洪泽区") and huaian.leads_to("洪泽区")
    assert not fujian.leads_to("洪泽区")
    assert not huaian.children["洪泽区"].leads_to("洪泽区")  # a leaf has nothing to open


def test_a_region_named_in_the_selection_is_open_and_others_closed() -> None:
    fujian, jiangsu = _tree()
    assert fujian.leads_to("福建省福州市") and fujian.children["福州市"].leads_to("福建省福州市")
    assert not jiangsu.leads_to("福建省福州市")
    assert not fujian.leads_to(None) and not fujian.leads_to("")
