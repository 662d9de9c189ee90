package dev.brain.http;

import dev.brain.error.Forbidden;

/**
 * What a reader may see: everything (an admin token) or one customer (a customer read token). Every analytics
 * route asks its Scope before reading, so a new route gets the same isolation by calling one of these.
 */
public record Scope(String actor, String customer) {

    public static Scope admin(String label) {
        return new Scope(label, null);
    }

    public static Scope customer(String customerId, String actor) {
        return new Scope(actor, customerId);
    }

    public boolean isAdmin() {
        return customer == null;
    }

    /** The customer filter to answer with: the requested one for an admin; the token's own (and only) for a customer. */
    public String customerFilter(String requested) {
        if (isAdmin()) {
            return requested;
        }
        if (requested != null && !requested.equals(customer)) {
            throw outOfScope();
        }
        return customer;
    }

    /** A route about one named customer: an admin may read any, a customer token only its own. */
    public void requireCustomer(String id) {
        if (!isAdmin() && !customer.equals(id)) {
            throw outOfScope();
        }
    }

    /** A route that reveals more than one customer, or changes anything: admins only. */
    public void requireAdmin() {
        if (!isAdmin()) {
            throw new Forbidden("out_of_scope", "this route needs an admin token; a customer token reads its own customer only");
        }
    }

    private static Forbidden outOfScope() {
        // The same answer for another customer and a customer that does not exist: no existence oracle.
        return new Forbidden("out_of_scope", "this token reads its own customer only");
    }
}
