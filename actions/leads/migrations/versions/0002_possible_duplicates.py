"""Add leads.possible_duplicates and an index on leads.conversation_id.

A submission updates only its own conversation's lead (found by channel and conversation id).
From another conversation, a known e-mail or phone creates a new lead whose
``possible_duplicates`` lists the ids of the leads sharing them, for a coordinator to merge.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Adds the nullable JSON column (existing leads get NULL: none known) and the index."""
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("possible_duplicates", sa.JSON(none_as_null=True), nullable=True))
        batch.create_index(op.f("ix_leads_conversation_id"), ["conversation_id"])


def downgrade() -> None:
    """Drops the index and the column (SQLite rebuilds the table in batch mode)."""
    with op.batch_alter_table("leads") as batch:
        batch.drop_index(op.f("ix_leads_conversation_id"))
        batch.drop_column("possible_duplicates")
