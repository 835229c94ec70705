"""The link checker against a local server: each kind of answer, and its manners."""

from links.checker import HOST_INTERVAL, LinkChecker, LinkResult

AGENT = "kneeinfo-linkcheck/1.0 (+http://testserver/; tests)"


def fast_checker(timeout=0.5):
    """Every host at once: these tests are about answers, not spacing."""
    return LinkChecker(AGENT, timeout=timeout, workers=4, host_interval=0)


def asked(server, path):
    return [seen.method for seen in server.seen if seen.path == path]


def test_each_kind_of_answer_is_recorded_as_it_should_be(link_server, closed_port):
    base = link_server.url
    urls = {
        "ok": f"{base}/ok",
        "missing": f"{base}/missing",
        "moved": f"{base}/moved",
        "slow": f"{base}/slow",
        "no_head": f"{base}/no-head",
        "loop": f"{base}/loop",
        "refused": f"http://127.0.0.1:{closed_port}/ok",
    }

    results = fast_checker().check_all(list(urls.values()))

    assert results[urls["ok"]] == LinkResult(200)
    assert results[urls["missing"]] == LinkResult(404)
    assert results[urls["moved"]] == LinkResult(200, redirected_to=f"{base}/ok")
    assert results[urls["slow"]] == LinkResult(error="timed out")
    assert results[urls["no_head"]] == LinkResult(200)
    assert results[urls["loop"]] == LinkResult(302, error="too many redirects")
    assert results[urls["refused"]] == LinkResult(error="connection refused")
    broken = {name for name, url in urls.items() if results[url].is_broken}
    assert broken == {"missing", "slow", "loop", "refused"}


def test_head_comes_first_and_get_only_where_head_is_refused_or_fails(link_server):
    base = link_server.url

    fast_checker().check_all([f"{base}/ok", f"{base}/no-head", f"{base}/missing", f"{base}/slow"])

    assert asked(link_server, "/ok") == ["HEAD"]
    assert asked(link_server, "/no-head") == ["HEAD", "GET"]
    assert asked(link_server, "/missing") == ["HEAD", "GET"]
    assert asked(link_server, "/slow") == ["HEAD"]  # no second wait for a server that is down


def test_redirects_are_followed_hop_by_hop_with_the_same_method(link_server):
    fast_checker().check_all([f"{link_server.url}/moved"])

    assert [(seen.method, seen.path) for seen in link_server.seen] == [
        ("HEAD", "/moved"),
        ("HEAD", "/ok"),
    ]


def test_requests_carry_the_user_agent_and_an_encoded_address(link_server):
    url = f"{link_server.url}/ok/genou-sévère?q=ünd&x=1"

    assert fast_checker().check_all([url]) == {url: LinkResult(200)}

    [seen] = link_server.seen
    assert seen.user_agent == AGENT
    assert seen.path == "/ok/genou-s%C3%A9v%C3%A8re?q=%C3%BCnd&x=1"


def test_each_host_is_asked_at_most_once_a_second_but_hosts_do_not_wait_for_each_other(
    link_server,
):
    port = link_server.server_address[1]
    same_host = [f"{link_server.url}/ok?{n}" for n in range(3)]
    other_host = f"http://localhost:{port}/ok?other"

    results = LinkChecker(AGENT, timeout=5, workers=4).check_all([*same_host, other_host])

    assert all(result == LinkResult(200) for result in results.values())
    times = [seen.at for seen in link_server.seen if seen.host == f"127.0.0.1:{port}"]
    assert len(times) == 3
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    # Seen by the server: a request that took longer to arrive than the next (a busy machine;
    # 0.9 s apart was seen with both test runs going) shortens the gap between them.
    assert min(gaps) >= HOST_INTERVAL - 0.25
    assert times[-1] - times[0] >= 2 * HOST_INTERVAL - 0.25
    [other] = [seen.at for seen in link_server.seen if seen.host == f"localhost:{port}"]
    # One limit for all hosts would put the other host a whole interval after the first.
    assert abs(other - times[0]) < HOST_INTERVAL - 0.1
