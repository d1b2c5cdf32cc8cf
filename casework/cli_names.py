"""The CLI's subcommand names for commands, and the commands only the system sends.

Names are short verbs staff type (`casework rescue intake`); a command missing here is named
after its type (RequestIdentityCheck → request-identity-check).
"""

from __future__ import annotations

import re

# Sent by timers, adapters or the verification centre, never typed by staff.
SYSTEM_ONLY = frozenset(
    {
        "EscalateClock",
        "RecordPoliceIdentityAnswer",
        "NoteDistrictWeather",
        "AcknowledgeVerificationRequest",
        "RecordVerificationFailure",
        "RecordVerificationReply",  # `casework relief reply` goes through the centre's door
    }
)

NAMES: dict[str, str] = {
    # rescue and extreme weather
    "ReportPerson": "report",
    "RecordHelpRefused": "refuse-help",
    "RegisterIntake": "intake",
    "ClassifyPerson": "classify",
    "DenyAssistance": "deny",
    "CloseReport": "close-report",
    "DeclareExtremeWeather": "weather-on",
    "EndExtremeWeather": "weather-off",
    "AssignHousing": "housing",
    "RequestIdentityCheck": "identity-check",
    "PublishFamilySearchNotice": "search-notice",
    "RequestDnaCollection": "dna-request",
    "RecordDnaCollected": "dna-collected",
    "RecordIdentityEstablished": "identified",
    "DraftIndividualPlan": "plan",
    "ApproveIndividualPlan": "approve-plan",
    "ReturnIndividualPlan": "return-plan",
    "CompletePlanService": "service-done",
    "CancelPlanService": "service-cancel",
    "RecordWeeklyReview": "weekly-review",
    "RequestStayExtension": "request-extension",
    "ApproveStayExtension": "approve-extension",
    "RefuseStayExtension": "refuse-extension",
    "HandOverToFamily": "hand-over",
    "StartEscortedReturn": "escort",
    "AcknowledgeHandover": "handover-ack",
    "RecordSelfExit": "self-exit",
    "RecordUnauthorisedDeparture": "departed",
    "RecordPoliceAcknowledgement": "police-reference",
    "PlacePerson": "place",
    "TransferToHospital": "to-hospital",
    "RecordHospitalDischarge": "discharge",
    "TerminateAssistance": "terminate",
    "RecordDeath": "death",
    "RecordFollowUpVisit": "follow-up",
    "CloseRescueCase": "close",
    "GrantExtension": "extend",
    # social assistance
    "ApplyForAssistance": "apply",
    "OpenDiscoveryLead": "open-lead",
    "CloseDiscoveryLead": "close-lead",
    "ApplyOnBehalf": "apply-on-behalf",
    "AcceptAssistanceApplication": "accept",
    "SubmitMissingPapers": "papers",
    "WithdrawAssistanceApplication": "withdraw",
    "ResendVerificationRequest": "resend",
    "RecordHomeInvestigation": "investigate",
    "PublishAssistanceNotice": "notice",
    "RecordNoticeObjection": "objection",
    "RecordCommunityReview": "community-review",
    "ApproveAssistance": "approve",
    "RefuseAssistance": "refuse",
    "DeliverRefusalNotice": "deliver-refusal",
    "SendRefusalNotice": "send-refusal",
    "GrantEmergencyAssistance": "emergency-grant",
    "CompleteEmergencyFollowUp": "follow-up-done",
    "CompletePeriodicReview": "review",
    "FileAssistanceAppeal": "appeal",
    "DecideAssistanceAppeal": "decide-appeal",
    "ReopenForCorrection": "reopen",
    "DecideCorrection": "correct",
    "RecordFraud": "fraud",
    # social organisations
    "ApplyForOrgRegistration": "apply",
    "SubmitRegistrationDocuments": "documents",
    "RegisterOrganisation": "register",
    "RefuseOrgRegistration": "refuse",
    "RecordOrgActivity": "activity",
    "FileAnnualReport": "report",
    "RecordInspectionResult": "inspect",
    "RecordRectification": "rectified",
    "RemoveFromAbnormalList": "delist",
    "ApplyForGradeEvaluation": "grade-apply",
    "ProposeGrade": "grade-propose",
    "FileGradeObjection": "grade-object",
    "DecideGradeObjection": "grade-decide",
    "RecordOrgPenalty": "penalty",
    "RecordChangeApproval": "change-approved",
    "RegisterOrgChange": "change-register",
    "RecordDeregistrationApproval": "deregistration-approved",
    "StartLiquidation": "liquidate",
    "FinishLiquidation": "liquidated",
    "ApplyForDeregistration": "deregister-apply",
    "RecordCertificateReturned": "returned",
    "CompleteDeregistration": "deregister",
    "ProposeRevocation": "propose-revocation",
    "DecideRevocation": "decide-revocation",
}


# Options whose field names are too long to type: field name -> option name.
OPTION_NAMES: dict[str, str] = {
    "infectious_critical_or_injured": "to_hospital",  # screening: → hospital
    "danger_drugs_or_fugitive": "to_police",  # screening: → police
    "consent_to_verification": "consent",  # 授权核对
}


def cli_name(command_type: str) -> str:
    return NAMES.get(command_type) or re.sub(r"(?<!^)(?=[A-Z])", "-", command_type).lower()
