"""The region tree of the list pages: which nodes are drawn open for a selected region."""

from __future__ import annotations

from gongkai.analysis.listing import RegionNode, RegionTree


def _tree() -> RegionTree:
    hongze = RegionNode("洪泽区", "洪泽区", 3)  # named once in the store: selected by its own name
    huaian = RegionNode("淮安市", "江苏省淮安市", 5, {"洪泽区": hongze})
    jiangsu = RegionNode("江苏省", "江苏省", 5, {"淮安市": huaian})
    pingtan = RegionNode("平潭县", "福建省福州市平潭县", 2)
    fuzhou = RegionNode("福州市", "福建省福州市", 2, {"平潭县": pingtan})
    fujian = RegionNode("福建省", "福建省", 2, {"福州市": fuzhou})
    return RegionTree([fujian, jiangsu])


def test_the_way_to_a_region_selected_by_its_own_name_is_open() -> None:
    assert _tree().open_for("洪泽区") == {"洪泽区", "江苏省淮安市", "江苏省"}


def test_the_way_to_a_county_and_nothing_else() -> None:
    assert _tree().open_for("福建省福州市平潭县") == {"福建省福州市平潭县", "福建省福州市", "福建省"}
    assert _tree().open_for("福建省") == {"福建省"}


def test_nothing_selected_or_a_region_the_tree_lacks() -> None:
    tree = _tree()
    assert tree.open_for(None) == set() and tree.open_for("") == set()
    assert tree.open_for("上海市") == {"上海市"}
    assert [n.name for n in tree] == ["福建省", "江苏省"]  # still the list of top regions


def test_a_region_named_in_full_finds_the_node_that_goes_by_its_own_name() -> None:
    """A report's page links to its agency's region in full (江苏省淮安市洪泽区); the tree's node
    for it is selected by 洪泽区 alone: it is found, opened and marked."""
    tree = _tree()
    assert tree.resolve("江苏省淮安市洪泽区") == "洪泽区"
    assert tree.open_for("江苏省淮安市洪泽区") == {"洪泽区", "江苏省淮安市", "江苏省"}
    assert tree.resolve("福建省福州市") == "福建省福州市" and tree.resolve("福建省") == "福建省"
    assert tree.resolve(None) is None and tree.resolve("上海市") == "上海市"
