package dev.brain.customer;

import dev.brain.analytics.Table;
import dev.brain.error.NotFound;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** Usage for billing per month, customer and agent (analytics.usage): closed months are stored, open ones computed. */
public final class Usage {
    private final Jdbi jdbi;

    public Usage(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Usage lines and then adjustment lines of the month, for one customer or all (null). */
    public Table lines(YearMonth month, String customer) {
        return jdbi.withHandle(h -> {
            if (customer != null && !h.createQuery("select exists (select 1 from customers where id = :id)").bind("id", customer)
                    .mapTo(Boolean.class).one()) {
                throw new NotFound("unknown_customer", "no customer " + customer);
            }
            return h.createQuery("select * from analytics.usage(:month, :customer)").bind("month", month.atDay(1))
                    .bind("customer", customer).scanResultSet((rs, ctx) -> Table.from(rs.get()));
        });
    }

    /** month, whether it is frozen, and its lines split into usage and adjustments. */
    public Map<String, Object> answer(YearMonth month, String customer) {
        Table lines = lines(month, customer);
        var usage = lines.objects().stream().filter(r -> "usage".equals(r.get("line"))).toList();
        var adjustments = lines.objects().stream().filter(r -> "adjustment".equals(r.get("line"))).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("month", month.toString());
        body.put("customer", customer);
        body.put("frozen", isFrozen(month));
        body.put("rows", usage);
        body.put("adjustments", adjustments);
        return body;
    }

    public boolean isFrozen(YearMonth month) {
        return jdbi.withHandle(h -> h.createQuery("select exists (select 1 from billing_months where month = :m)")
                .bind("m", month.atDay(1)).mapTo(Boolean.class).one());
    }

    /** The current UTC month. */
    public static YearMonth thisMonth() {
        return YearMonth.now(ZoneOffset.UTC);
    }
}
