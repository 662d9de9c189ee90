package dev.brain.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Customer read tokens: only their SHA-256 is stored; the secret exists once, in what issue returns. */
public interface CustomerTokenDao {

    record TokenRow(String id, String customerId, String label, Instant createdAt, Instant revokedAt, Instant lastUsedAt) {
    }

    record Active(String id, String customerId, String label) {
    }

    record IssuedToken(String id, String secret) {
    }

    @SqlUpdate("insert into customer_tokens (id, customer_id, token_hash, label) values (:id, :customerId, :hash, :label)")
    void insert(String id, String customerId, byte[] hash, String label);

    /** Mints a read token for the customer and stores its hash. */
    default IssuedToken issue(String customerId, String label) {
        String secret = CustomerTokens.newSecret();
        String id = ApiKeys.newKeyId().replace("key_", "tok_");
        insert(id, customerId, ApiKeys.hash(secret), label);
        return new IssuedToken(id, secret);
    }

    /** The active token with this hash, marking it used. */
    @SqlQuery("""
            update customer_tokens set last_used_at = now()
            where token_hash = :hash and revoked_at is null
            returning id, customer_id, label""")
    @RegisterConstructorMapper(Active.class)
    Optional<Active> use(byte[] hash);

    @SqlUpdate("update customer_tokens set revoked_at = now() where id = :id and revoked_at is null")
    int revoke(String id);

    @SqlQuery("""
            select id, customer_id, label, created_at, revoked_at, last_used_at from customer_tokens
            where (cast(:customerId as text) is null or customer_id = :customerId)
            order by created_at, id""")
    @RegisterConstructorMapper(TokenRow.class)
    List<TokenRow> list(String customerId);
}
