"""Topics in Chromium, against the whole platform with the demo community loaded: a member proposes
a topic for the civil space discussions, votes for it on behalf of their organization, a member of
another organization (in Turkish, in a browser of their own) votes too and the topic climbs the
ranking; a second vote of one organization is refused on the page; the topics that became
discussions lead to them. On a phone-sized screen."""
from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from shared.community import PEOPLE
from tests.e2e.browser.conftest import PHONE
from tests.support.web import sign_in

DENIZ = next(p for p in PEOPLE if p[0] == "Deniz Çelik")  # Yeşil Gelecek Kooperatifi
ALI = next(p for p in PEOPLE if p[0] == "Ali Şahin")      # Engelsiz Yaşam Vakfı


def rank_of(page, title: str) -> int:
    """The topic's place in the ranking (1 is the most requested)."""
    headings = page.locator("ol.ranking > li h3").all_inner_texts()
    return next(i for i, text in enumerate(headings, 1) if title in text)


def topic_card(page, title: str):
    return page.locator("ol.ranking > li").filter(has=page.get_by_role("heading", name=re.compile(re.escape(title))))


def test_members_propose_a_topic_vote_for_it_and_it_climbs_the_ranking(platform, page, chromium, console_errors,
                                                                        tmp_path):
    title = f"Preventing burnout among volunteers {uuid.uuid4().hex[:6]}"
    page.goto(f"{platform.web}/topics?lang=en")
    expect(page).to_have_url(re.compile(r"/signin"))  # topics are for members: sign in first
    sign_in(page, platform, DENIZ[1])
    expect(page.get_by_role("heading", level=1)).to_have_text("Topics")

    page.get_by_role("button", name="Propose the topic").click()  # nothing written yet
    expect(page.get_by_role("alert")).to_contain_text("Say what the topic is.")
    expect(page.get_by_label("The topic")).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=tmp_path / "topic-refused.png", full_page=True)
    page.get_by_label("The topic").fill(title)
    page.get_by_label("Why it matters to your organization (optional)").fill(
        "Our volunteers carry the cooperative's climate work; we want to learn how others keep them.")
    page.get_by_label("Volunteer management").check()
    page.get_by_role("button", name="Propose the topic").click()
    expect(page.get_by_role("status")).to_have_text("Your topic is proposed. Other organizations can vote for it now.")
    card = topic_card(page, title)
    expect(card).to_contain_text("0 votes")
    expect(card).to_contain_text("proposed by Yeşil Gelecek Kooperatifi")
    expect(card).to_contain_text("Volunteer management")
    proposed_at = rank_of(page, title)

    card.get_by_role("button", name=re.compile("^Vote for this topic")).click()
    expect(page.get_by_role("status")).to_have_text("Your organization's vote is counted.")
    expect(topic_card(page, title)).to_contain_text("1 vote")
    expect(topic_card(page, title)).to_contain_text("Your organization voted for it.")
    expect(topic_card(page, title).get_by_role("button", name=re.compile("^Vote"))).to_have_count(0)

    other = chromium.new_context(viewport=PHONE, locale="tr-TR")
    try:
        turkish = other.new_page()
        turkish.goto(f"{platform.web}/topics?lang=tr")
        sign_in(turkish, platform, ALI[1], "tr")
        stale = other.new_page()  # the same page in another tab, left open
        stale.goto(f"{platform.web}/topics?lang=tr")
        topic_card(turkish, title).get_by_role("button", name=re.compile("^Bu konuya oy verin")).click()
        expect(turkish.get_by_role("status")).to_have_text("Örgütünüzün oyu sayıldı.")
        expect(topic_card(turkish, title)).to_contain_text("2 oy")
        climbed_to = rank_of(turkish, title)
        assert climbed_to < proposed_at, (proposed_at, climbed_to)
        turkish.screenshot(path=tmp_path / "topics-tr.png", full_page=True)

        topic_card(stale, title).get_by_role("button", name=re.compile("^Bu konuya oy verin")).click()
        expect(stale.get_by_role("alert")).to_have_text("Örgütünüz bu konuya zaten oy verdi.")  # one per organization
        expect(topic_card(stale, title)).to_contain_text("2 oy")

        discussed = turkish.get_by_role("region", name="Tartışmaya dönüşen konular")
        discussed.get_by_role("link", name="Sivil toplumda çalışma ilişkileri").click()
        expect(turkish.get_by_role("heading", level=1)).to_have_text("Sivil toplumda çalışma ilişkileri")
    finally:
        other.close()

    page.reload()
    expect(topic_card(page, title)).to_contain_text("2 votes")
    assert rank_of(page, title) == climbed_to
    page.screenshot(path=tmp_path / "topics.png", full_page=True)
    topic_card(page, title).get_by_role("button", name="Withdraw the vote").click()
    expect(page.get_by_role("status")).to_have_text("Your organization's vote is withdrawn.")
    expect(topic_card(page, title)).to_contain_text("1 vote")
    # the refused proposal was answered 400, as bad input is; the browser logs that, and nothing else
    assert console_errors == []
