import pytest

from sifasuo_desktop.sync.keys import LocalKeys

from .helpers import Trust


@pytest.fixture(scope="session")
def township_keys():
    return LocalKeys.generate("330102001", "城关镇司法所", "township")


@pytest.fixture(scope="session")
def county_keys():
    return LocalKeys.generate("330102", "某某县司法局", "county")


@pytest.fixture()
def county_trust(township_keys):
    return Trust(township_keys.public)
