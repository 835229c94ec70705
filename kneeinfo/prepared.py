"""Querysets compiled to SQL once per process, then run with a new value on each request.

Building and compiling even a small query costs the ORM about 0.2 ms of Python: ten times what
SQLite or PostgreSQL need to answer it from an index. The busiest pages run the same queries on
every request with only an id changing, so each is compiled once, with a stand-in for the id,
and afterwards only executed. Rows come back as model instances holding the selected fields,
like `.only()` gives.
"""

from django.db import connections
from django.db.models import Window
from django.db.models.functions import RowNumber
from django.db.models.query import get_related_populators

# Stand in for the caller's value and for a page's bounds while compiling; no real id, slug,
# offset or page size equals them.
PLACEHOLDER = -727_272_727
TEXT_PLACEHOLDER = str(PLACEHOLDER)
OFFSET_PLACEHOLDER, LIMIT_PLACEHOLDER = 727_272_001, 727_272_002


class PreparedQuery:
    """`build(value)` returns the queryset for `value`; calling the prepared query runs it.

    Select only fields whose database value is already the Python value (text, numbers): rows
    skip Django's per-field conversion.
    """

    def __init__(self, model, fields, build):
        self.model = model
        order = {field.attname: i for i, field in enumerate(model._meta.concrete_fields)}
        # Model.from_db takes the values in the model's field order.
        self.fields = sorted(fields, key=order.__getitem__)
        self.build = build
        self.compiled = {}

    def __call__(self, value, using="default"):
        return self.rows(value, using=using)

    def rows(self, value, start=None, stop=None, using="default"):
        """The instances for `value`, or the slice [start:stop] of them."""
        if start is None and stop is None:
            sql, params = self.sql("all", value, using)
        else:
            sql, params = self.sql("page", value, using)
            params += [stop - start, start]  # LIMIT, OFFSET: the compiled SQL ends with them
        return [
            self.model.from_db(using, self.fields, row) for row in self.fetch(sql, params, using)
        ]

    def count(self, value, using="default"):
        sql, params = self.sql("count", value, using)
        return self.fetch(sql, params, using)[0][0]

    def bind(self, value):
        """The rows for `value` as a countable, sliceable list, for Django's Paginator."""
        return BoundQuery(self, value)

    def sql(self, form, value, using):
        if (form, using) not in self.compiled:
            queryset = self.build(PLACEHOLDER).using(using).values_list(*self.fields)
            self.compiled[form, using] = compile_sql(queryset, [PLACEHOLDER], form, using)
        sql, params, slots = self.compiled[form, using]
        return sql, fill(params, slots, [value])

    @staticmethod
    def fetch(sql, params, using):
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


class PreparedObject:
    """The one object a queryset finds by a text value (a slug, say), or None.

    `build(value)` returns the queryset: a unique lookup, select_related() allowed, no
    annotations or prefetching. It is compiled once per database; each call runs its SQL and
    makes the object and its related objects, their values converted, the way Django's own
    iterator (ModelIterable) does. Building and compiling a condition with its reviewer cost
    the ORM 0.6 ms a request, against 0.1 for running it.
    """

    def __init__(self, build):
        self.build = build
        self.compiled = {}

    def __call__(self, value, using="default"):
        if using not in self.compiled:
            self.compiled[using] = self.compile(using)
        sql, params, slots, make = self.compiled[using]
        rows = PreparedQuery.fetch(sql, fill(params, slots, [value]), using)
        if len(rows) > 1:
            raise ValueError(f"{len(rows)} objects for {value!r}: the lookup is not unique")
        return make(rows[0]) if rows else None

    def compile(self, using):
        queryset = self.build(TEXT_PLACEHOLDER).using(using)
        if queryset.query.annotation_select or queryset._prefetch_related_lookups:
            raise ValueError("annotations and prefetching are not kept")
        sql, params, slots = compile_sql(queryset, [TEXT_PLACEHOLDER], "all", using)
        # The same query's columns, as Django's iterator reads them.
        compiler = queryset.query.get_compiler(using)
        compiler.setup_query()
        select, klass_info = compiler.select, compiler.klass_info
        model, fields = klass_info["model"], klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        names = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, using)
        converters = compiler.get_converters([column[0] for column in select])

        def make(row):
            row = list(row)
            for position, (functions, expression) in converters.items():
                for convert in functions:
                    row[position] = convert(row[position], expression, connections[using])
            instance = model.from_db(using, names, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            return instance

        return sql, params, slots, make


class PreparedLists:
    """Several prepared queries by the same value, run as one statement.

    Each query round trip costs a few tenths of a millisecond on PostgreSQL, for client and server
    alike, however small its answer: a page listing seven things about one item spends more on
    the trips than on the rows. Here each query becomes one branch of a UNION ALL, numbering its
    rows in its own order (ROW_NUMBER over its ORDER BY), and calling returns {name: instances}.

    Every branch has a block of columns of its own, typed NULLs in the others' blocks, so no two
    queries' columns need to share a type. A query may end in a slice from 0 (a "top five").
    Pages of several lists at once (rows [start:stop] of each) and all their counts are one
    statement each too.
    """

    def __init__(self, queries):
        self.queries = queries
        self.compiled = {}
        # Per branch: its name, its query and where its block of columns starts.
        self.layout, start = [], 0
        for name, query in queries.items():
            self.layout.append((name, query, start))
            start += len(query.fields)

    def __call__(self, value, using="default", start=0, stop=None):
        """{name: instances} for `value`; with `stop`, each list's rows [start:stop] (a page)."""
        paged = stop is not None
        if (using, paged) not in self.compiled:
            self.compiled[using, paged] = self.compile(using, paged)
        sql, params, slots = self.compiled[using, paged]
        # Unpaged SQL has no places for the bounds: they fill nothing.
        params = fill(params, slots, [value, start, stop])
        blocks = {name: [] for name in self.queries}
        for row in PreparedQuery.fetch(sql, params, using):
            name, query, first = self.layout[row[0]]
            values = row[2 + first : 2 + first + len(query.fields)]
            blocks[name].append(query.model.from_db(using, query.fields, values))
        return blocks

    def counts(self, value, using="default"):
        """{name: how many rows its query has for `value`}, in one statement."""
        if (using, "counts") not in self.compiled:
            counts, all_params = [], []
            for query in self.queries.values():
                queryset = query.build(PLACEHOLDER).using(using).values_list(*query.fields)
                sql, params, _ = compile_sql(queryset, [PLACEHOLDER], "count", using)
                counts.append(f"({sql})")
                all_params += params
            self.compiled[using, "counts"] = (
                f"SELECT {', '.join(counts)}",
                all_params,
                [[i for i, param in enumerate(all_params) if param == PLACEHOLDER]],
            )
        sql, params, slots = self.compiled[using, "counts"]
        row = PreparedQuery.fetch(sql, fill(params, slots, [value]), using)[0]
        return dict(zip(self.queries, row, strict=True))

    def compile(self, using, paged):
        connection = connections[using]
        quote = connection.ops.quote_name
        position = f"branch.{quote('_position')}"
        branches, all_params = [], []
        for number, (name, query) in enumerate(self.queries.items()):
            queryset = query.build(PLACEHOLDER).using(using).all()
            if queryset.query.low_mark:
                raise ValueError(f"{name}: only a slice from 0 can be kept")
            limit = queryset.query.high_mark
            queryset.query.clear_limits()
            order = queryset.query.order_by or queryset.model._meta.ordering
            numbered = queryset.order_by().annotate(
                _position=Window(RowNumber(), order_by=list(order))
            )
            sql, params, _ = compile_sql(
                numbered.values_list(*query.fields, "_position"), [PLACEHOLDER], "all", using
            )
            columns = []
            for other_number, other in enumerate(self.queries.values()):
                for field_name in other.fields:
                    if other_number == number:
                        columns.append(f"branch.{quote(field_name)}")
                    else:
                        field = other.model._meta.get_field(field_name)
                        columns.append(f"CAST(NULL AS {field.cast_db_type(connection)})")
            keep = [f"{position} <= {int(limit)}"] if limit else []
            if paged:
                keep.append(f"{position} > %s AND {position} <= %s")
                params += [OFFSET_PLACEHOLDER, LIMIT_PLACEHOLDER]
            where = f" WHERE {' AND '.join(keep)}" if keep else ""
            branches.append(
                f"SELECT {number}, {position}, {', '.join(columns)} FROM ({sql}) branch{where}"
            )
            all_params += params
        sql = " UNION ALL ".join(branches) + " ORDER BY 1, 2"
        slots = [
            [i for i, param in enumerate(all_params) if param == placeholder]
            for placeholder in (PLACEHOLDER, OFFSET_PLACEHOLDER, LIMIT_PLACEHOLDER)
        ]
        return sql, all_params, slots


def compile_sql(queryset, placeholders, form, using):
    """Compile `queryset`, built with `placeholders` standing in for the values it will be run with.

    `form` is "all" (every row), "page" (the caller appends LIMIT and OFFSET to the parameters)
    or "count". Returns the SQL, its parameters and, for each placeholder, where in the
    parameters it sits.
    """
    if form == "count":
        queryset = queryset.order_by()
    elif form == "page":
        queryset = queryset[OFFSET_PLACEHOLDER : OFFSET_PLACEHOLDER + LIMIT_PLACEHOLDER]
    sql, params = queryset.query.get_compiler(using).as_sql()
    if form == "page":
        # Both databases' compilers write LIMIT and OFFSET into the SQL text, last.
        bounds = f" LIMIT {LIMIT_PLACEHOLDER} OFFSET {OFFSET_PLACEHOLDER}"
        if not sql.endswith(bounds):
            raise ValueError(f"unexpected page SQL: ...{sql[-80:]}")
        sql = sql.removesuffix(bounds) + " LIMIT %s OFFSET %s"
    elif form == "count":
        sql = f"SELECT COUNT(*) FROM ({sql}) counted"
    params = list(params)
    # A value written into the SQL text, or into a longer parameter, could not be replaced:
    # every later run would then look for the placeholder.
    for placeholder in placeholders:
        if str(placeholder) in sql:
            raise ValueError(f"a placeholder is written into the SQL text: {sql[:80]}...")
        for param in params:
            if isinstance(param, str) and param != placeholder and str(placeholder) in param:
                raise ValueError(f"a placeholder is inside the parameter {param!r}")
    slots = [[i for i, param in enumerate(params) if param == p] for p in placeholders]
    if not all(slots):
        raise ValueError(f"the query does not use every value it is given: {sql[:80]}...")
    return sql, params, slots


def fill(params, slots, values):
    """A copy of compiled `params` with each value in its placeholder's places."""
    params = params.copy()
    for value, places in zip(values, slots, strict=True):
        for place in places:
            params[place] = value
    return params


class BoundQuery:
    """A prepared query's rows for one value: count() and slices, as Paginator asks for them."""

    def __init__(self, query, value):
        self.query = query
        self.value = value

    def count(self):
        return self.query.count(self.value)

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("only [start:stop] slices of a prepared query can be read")
        return self.query.rows(self.value, index.start or 0, index.stop)
