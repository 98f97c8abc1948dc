"""Submissions and their documents: open, upload, close, and read back (operators mostly)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Path, Response, UploadFile, status

from dukungan.services import counting, elections, reading_models
from dukungan.services.submissions import close_submission
from dukungan.services.uploads import ingest_uploads
from ingest_api.deps import (
    OperableCandidate,
    OperableSubmission,
    OperatorUser,
    ReadableDocument,
    ReadableSubmission,
    RuntimeDep,
    SessionDep,
)
from ingest_api.routes import API_PREFIX, ERROR_RESPONSES
from ingest_api.schemas import (
    DocumentPublic,
    DocumentsAccepted,
    ErrorBody,
    SubmissionCreate,
    SubmissionPublic,
    SubmissionWithCounts,
    document_out,
    submission_out,
)

router = APIRouter(prefix=API_PREFIX, responses=ERROR_RESPONSES)

_NOT_OPEN: dict[int | str, dict[str, object]] = {
    409: {"model": ErrorBody, "description": "The submission is not open"},
}
_UPLOAD_ERRORS: dict[int | str, dict[str, object]] = {
    **_NOT_OPEN,
    413: {"model": ErrorBody, "description": "Larger than the upload limit"},
    415: {"model": ErrorBody, "description": "A file type the service does not take"},
}


@router.post("/candidates/{candidate_id}/submissions", status_code=status.HTTP_201_CREATED,
             response_model=SubmissionPublic, tags=["submissions"])
def create_submission(body: SubmissionCreate, candidate: OperableCandidate, user: OperatorUser,
                      session: SessionDep) -> SubmissionPublic:
    """Open a handover of support documents: `initial`, or `repair` (the perbaikan round)."""
    sub = elections.create_submission(session, user.actor, candidate.id, body.kind)
    return SubmissionPublic.model_validate(sub)


@router.get("/submissions/{submission_id}", response_model=SubmissionWithCounts, tags=["submissions"])
def get_submission(sub: ReadableSubmission, session: SessionDep) -> SubmissionWithCounts:
    """The submission with `counts` of its own documents and supporter entries."""
    return submission_out(sub, counting.submission_counts(session, sub))


@router.post("/submissions/{submission_id}/documents", status_code=status.HTTP_202_ACCEPTED,
             response_model=DocumentsAccepted, tags=["documents"], responses=_UPLOAD_ERRORS)
def upload_documents(
    sub: OperableSubmission, user: OperatorUser, rt: RuntimeDep,
    file: Annotated[list[UploadFile], File(description="One or more files: PDF, JPEG, PNG, TIFF, or a ZIP "
                                                       "of those (each member becomes a document)")],
) -> DocumentsAccepted:
    """Store the files and queue them for reading. The same bytes again return a duplicate."""
    # The parts are already spooled to temp files by the multipart parser; hand over their
    # streams, never their whole contents in memory.
    docs = ingest_uploads(rt, sub.id, [(f.filename or "upload", f.file) for f in file], user.actor)
    return DocumentsAccepted(documents=[document_out(d) for d in docs])


@router.post("/submissions/{submission_id}/close", status_code=status.HTTP_202_ACCEPTED,
             response_model=SubmissionPublic, tags=["submissions"], responses=_NOT_OPEN)
def close(sub: OperableSubmission, user: OperatorUser, rt: RuntimeDep) -> SubmissionPublic:
    """The handover is complete: reconciliation runs once every document is done, then `closed`."""
    return SubmissionPublic.model_validate(close_submission(rt, sub.id, user.actor))


@router.get("/documents/{document_id}", response_model=DocumentPublic, tags=["documents"])
def get_document(doc: ReadableDocument) -> DocumentPublic:
    return document_out(doc)


@router.get("/documents/{document_id}/pages/{n}/image", tags=["documents"], response_class=Response,
            responses={200: {"content": {"image/png": {}, "image/jpeg": {}},
                             "description": "The page image"}})
def page_image(doc: ReadableDocument, rt: RuntimeDep, session: SessionDep,
               n: Annotated[int, Path(ge=1, description="The page number, from 1")]) -> Response:
    image = reading_models.page_image(rt, session, doc, n)
    return Response(image.data, media_type=image.content_type,
                    headers={"Cache-Control": "private, max-age=3600"})
