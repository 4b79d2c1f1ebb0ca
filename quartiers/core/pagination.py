"""One way to cut a long list into pages: `paginate(request, queryset)`.

The page number comes from `?page=`; anything that is not a page number (`abc`, `0`, `-1`,
`999999`) shows the nearest valid page instead of an error. `query` is the query string
without `page`, so the page links keep the filters and the sort.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

PER_PAGE = 50


@dataclass
class Pagination:
    page: Page
    query: str  # the other GET parameters, urlencoded ("" when none)

    @property
    def objects(self):
        return self.page.object_list

    @property
    def links(self) -> list[dict]:
        """The page links shown: first, last and the pages around the current one."""
        current, last = self.page.number, self.page.paginator.num_pages
        shown = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
        links, previous = [], 0
        for number in shown:
            if number - previous > 1:
                links.append({"gap": True})
            links.append({"number": number, "url": self.url(number), "current": number == current})
            previous = number
        return links

    @property
    def previous_url(self) -> str:
        return self.url(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_url(self) -> str:
        return self.url(self.page.next_page_number()) if self.page.has_next() else ""

    def url(self, number: int) -> str:
        return f"?{self.query}&page={number}" if self.query else f"?page={number}"


def paginate(request, queryset, per_page: int | None = None) -> Pagination:
    paginator = Paginator(queryset, per_page or PER_PAGE)
    raw = request.GET.get("page", "1")
    number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 1
    page = paginator.page(min(max(number, 1), paginator.num_pages))
    params = request.GET.copy()
    params.pop("page", None)
    return Pagination(page=page, query=params.urlencode())
