"""Who may see which binding, declaration and file (SPEC §1: a subject user only its own).

Object-level rules live here and nowhere else. Outsiders get 404, so that they cannot even learn
which ids exist; role checks (403) are the views' `permission_required`.

Note that `collection.view_selfdeclaration` is held by subject users too (for their own
declarations), so reviewing is gated by `change_selfdeclaration`, which only the 经信委's
catalog_admin role holds.
"""

from django.shortcuts import get_object_or_404

from ..bindings import requested_bindings
from ..models import BindingEvidence, DeclarationAttachment, SelfDeclaration, SubjectBinding

VIEW_BINDINGS = "collection.view_subjectbinding"
REVIEW_BINDINGS = "collection.change_subjectbinding"
REQUEST_BINDING = "collection.add_subjectbinding"
VERIFY_IDENTITY = "core.verify_identity"
EDIT_SERVICE_WINDOW = "collection.change_servicewindow"
REVIEW_DECLARATIONS = "collection.change_selfdeclaration"
DECLARE = "collection.add_selfdeclaration"


def get_own_binding(user, pk: int) -> SubjectBinding:
    return get_object_or_404(SubjectBinding.objects.select_related("subject"), pk=pk, user=user)


def get_own_evidence(user, binding_pk: int, pk: int) -> BindingEvidence:
    return get_object_or_404(BindingEvidence, pk=pk, binding_id=binding_pk, binding__user=user)


def get_own_declaration(user, pk: int) -> SelfDeclaration:
    return get_object_or_404(
        SelfDeclaration.objects.select_related("subject", "catalog_item", "record", "warning_record"),
        pk=pk,
        declarant=user,
    )


def get_own_attachment(user, declaration_pk: int, pk: int) -> DeclarationAttachment:
    declaration = get_own_declaration(user, declaration_pk)
    return get_object_or_404(DeclarationAttachment, pk=pk, declaration=declaration)


def get_binding_for_review(pk: int) -> SubjectBinding:
    # Only requests: a natural person's binding to itself has no evidence and nothing to review.
    return get_object_or_404(requested_bindings().select_related("user", "subject", "reviewed_by"), pk=pk)


def get_evidence_for_review(binding_pk: int, pk: int) -> BindingEvidence:
    return get_object_or_404(BindingEvidence, pk=pk, binding_id=binding_pk)


def get_declaration_for_review(pk: int) -> SelfDeclaration:
    return get_object_or_404(
        SelfDeclaration.objects.select_related(
            "subject", "catalog_item", "declarant", "reviewed_by", "record", "warning_record"
        ),
        pk=pk,
    )


def get_attachment_for_review(declaration_pk: int, pk: int) -> DeclarationAttachment:
    return get_object_or_404(DeclarationAttachment, pk=pk, declaration_id=declaration_pk)
