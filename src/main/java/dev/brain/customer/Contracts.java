package dev.brain.customer;

import org.jdbi.v3.core.Jdbi;

/** A customer's contract value per month, for the page's margin. */
public final class Contracts {
    private final Jdbi jdbi;

    public Contracts(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Sets (or replaces) the value; false when there is no such customer. */
    public boolean set(String customer, long monthlyCents) {
        return jdbi.withHandle(h -> h.createUpdate("""
                insert into customer_contracts (customer_id, monthly_cents)
                select id, :cents from customers where id = :id
                on conflict (customer_id) do update set monthly_cents = excluded.monthly_cents, updated_at = now()""")
                .bind("id", customer).bind("cents", monthlyCents).execute()) > 0;
    }
}
