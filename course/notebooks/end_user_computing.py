"""Exercises of notebook 11, End User Computing (Amazon WorkSpaces).

Five questions: the Directory Service option for WorkSpaces with an on-premises AD (11.1), the
prerequisites of certificate-based authentication (11.2), the access setting for each client type when only
trusted devices may connect (11.3), where to restrict the client IP addresses (11.4), and the in-session
data controls (clipboard, printing) of a WorkSpace that handles card data and where each is set (11.5).

Answer keys are salted hashes (``course.exercises.keys.make_key``), never plain values. Every option
carries an explanation; only the explanations of options a learner got wrong are ever shown.
"""

from __future__ import annotations

from course.exercises.kinds.choice import MultipleChoice, SingleChoice, order_per_learner
from course.exercises.kinds.value import MappingMatch, Part
from course.exercises.registry import register

# --- 11.1 Directory for WorkSpaces -----------------------------------------------------------------------

DIRECTORY_CHOICE = order_per_learner(SingleChoice(
    id="11.1", title="Connect WorkSpaces to the company's Active Directory", points=2,
    answer_name="answer_11_1",
    options={
        "A": "Simple AD, with the employees' accounts created again in it",
        "B": "AD Connector, pointing at the on-premises domain controllers",
        "C": "AWS Managed Microsoft AD, with the on-premises users copied into it",
        "D": "An IAM user for each employee, with console access to WorkSpaces",
    },
    explanations={
        "A": "Simple AD is a separate, standalone directory: it cannot trust the on-premises domain, so every "
             "account and password would exist twice.",
        "B": "AD Connector is a proxy: sign-ins are checked by the existing domain controllers and no directory "
             "data is stored in AWS.",
        "C": "A managed AD is a full second domain run by AWS; copying users into it stores the directory in AWS, "
             "which the scenario rules out (a trust would avoid copying, but it still runs a second domain).",
        "D": "WorkSpaces users sign in to their desktops with directory accounts; IAM users are for the AWS "
             "APIs and console, not for Windows sessions.",
    },
    key="8097d2195728804010441bed5ebbfc918495e2084e341bb4d992335269849a42",
))

# --- 11.2 Certificate-based authentication --------------------------------------------------------------

CBA_PREREQUISITES = order_per_learner(MultipleChoice(
    id="11.2", title="Prepare certificate-based authentication", points=3, answer_name="answer_11_2",
    options={
        "A": "SAML 2.0 federation for the WorkSpaces directory, with the identity provider sending the user's "
             "`userPrincipalName`",
        "B": "An AWS Private CA in the same account and Region as the WorkSpaces, tagged `euc-private-ca`",
        "C": "Windows WorkSpaces that use the DCV streaming protocol (formerly called WSP), and recent "
             "WorkSpaces clients",
        "D": "A public ACM certificate for each user, exported to the user's laptop",
        "E": "A long-lived user certificate installed by the IT team on every laptop",
        "F": "Remove the Active Directory behind the WorkSpaces, because certificates replace it",
    },
    explanations={
        "A": "Certificate-based authentication builds on a SAML 2.0 sign-in; the UPN identifies the AD user "
             "the certificate is issued for.",
        "B": "WorkSpaces asks a private CA, found by that tag in its own account and Region, for each session's "
             "certificate.",
        "C": "The feature works only for Windows WorkSpaces on DCV (the protocol AWS used to call WSP), with "
             "client versions recent enough to support it.",
        "D": "Public ACM certificates prove a domain name for TLS servers; the sign-in certificates come from a "
             "private CA that WorkSpaces itself calls.",
        "E": "WorkSpaces requests a short-lived certificate for each sign-in itself; nothing long-lived is "
             "installed on the laptop.",
        "F": "The certificate acts as a virtual smart card for a sign-in to AD: the directory is still what "
             "authenticates the Windows session.",
    },
    keys={
        "A": "1abb03b8355531b32d7cf38ad028872db1ce18d10c65abd5484c886598e45f5b",
        "B": "0984c137ee334e12168ce028067fe6bb8f441033c5a0474d5841c89abbf81572",
        "C": "88bc3e717ebf231c7659b6e2a0a762ce24554e250bd070a82a253b5e9b4addca",
        "D": "b233dc567d8820afd04e25bf455ea117aab9e13e6a4e8da97ea43d2b8c4c9b99",
        "E": "3f3cdc35cd8a3b1c4bfa5a3c2fca6f258e35a4b70d95b341220c3054462e9fa8",
        "F": "71d9e9f17cc71509418d80960e99b83a580dbb2945d1050434c8c34724dfcbb5",
    },
))

# --- 11.3 Access per client type with trusted devices ----------------------------------------------------

_ACCESS = ("trust", "allow", "deny")

# What each access setting admits, shown for the setting a learner chose where it does not fit.
_ACCESS_EXPLANATIONS = {
    "trust": "The setting 'trust' admits only devices that pass the certificate check: a client that cannot "
             "take part in the check cannot connect at all.",
    "allow": "The setting 'allow' admits every device of that client type, managed or not, with no certificate "
             "check.",
    "deny": "The setting 'deny' keeps every device of that client type out, the company's managed ones included.",
}

DEVICE_ACCESS = MappingMatch(
    id="11.3", title="Set access for each client type", points=3, answer_name="answer_11_3",
    explanations=_ACCESS_EXPLANATIONS,
    parts=[
        Part("windows", "e55e8471db72ff716db75e2eb51c0969d99362496e809ff4b1b099140583073a",
             "Windows: these laptops carry a certificate from the company CA, and the rule is that only such "
             "devices may connect; plain allowing would accept any Windows computer.",
             "Windows client", _ACCESS),
        Part("macos", "eb870c78bf630eeefcf071187b36075be2a4bf3242b382e11890849ffc73f0ce",
             "For macOS: the managed Macs have certificates too; which setting checks them rather than admitting "
             "every Mac?",
             "macOS client", _ACCESS),
        Part("ipad", "8dbc6accedc877d098e65a2fb54c4ed9edca3313ad47daaed3c8a1758f65ce7e",
             "For the iPad: its client cannot take part in the certificate check, so any setting that admits it "
             "lets an unmanaged device around device trust.",
             "iPad client", _ACCESS),
        Part("linux", "317c8104c2cbdcba0da544e52d1ade5c546a4b8ef6c6b82967cdb635dc22739c",
             "Linux: the Linux client does not support trusted devices either, and nobody in the scenario "
             "needs it; whatever is not needed and cannot be checked should not be admitted.",
             "Linux client", _ACCESS),
        Part("web", "83f7b3c44f6fe0966af75d8955c361f1d02582366c9d916c8d8273d1052cc0e6",
             "Web access: a browser on any computer can reach a WorkSpace this way, and no device certificate "
             "is involved.",
             "web access (browser)", _ACCESS),
    ],
)

# --- 11.4 Restricting client IP addresses ---------------------------------------------------------------

IP_RESTRICTION = order_per_learner(SingleChoice(
    id="11.4", title="Allow WorkSpaces connections only from the offices", points=2, answer_name="answer_11_4",
    options={
        "A": "An IP access control group listing the office address ranges, associated with the WorkSpaces "
             "directory",
        "B": "Inbound rules in the security group of the WorkSpaces' network interfaces that allow only the "
             "office ranges",
        "C": "An EventBridge rule on WorkSpaces sign-in events that alerts on addresses outside the office ranges",
        "D": "A network ACL on the WorkSpaces subnets that denies everything except the office ranges",
    },
    explanations={
        "A": "An IP access control group is the WorkSpaces setting that decides which client addresses may "
             "connect.",
        "B": "The security group on a WorkSpace's interface in your VPC governs its traffic to and from your "
             "network; the client's streaming connection arrives through the WorkSpaces service, so these rules "
             "do not see the client's address.",
        "C": "An alert tells you after someone has signed in; it does not stop the connection.",
        "D": "A network ACL filters traffic in your VPC subnets, not the client's streaming connection, which "
             "reaches the WorkSpace through the service's own interface.",
    },
    key="fcb17ee82e67f24b14b77501c00f0cfa4eac862bb41833958c5e4df776de22c0",
))

# --- 11.5 In-session data controls --------------------------------------------------------------------

_DIRECTIONS = ("both directions", "WorkSpace to local only", "local to WorkSpace only", "disabled")
_PRINTING = ("allowed", "disabled")
_WHERE = ("Group Policy", "agent configuration on the WorkSpace", "IAM policy", "IP access control group")

# What each choice does, shown for the choice a learner made where it does not fit.
_SESSION_EXPLANATIONS = {
    "both directions": "Clipboard redirection in both directions lets an agent copy card data out of the WorkSpace "
                       "to the local computer.",
    "WorkSpace to local only": "This direction is exactly the one that moves data out of the WorkSpace onto the "
                               "agent's own computer.",
    "local to WorkSpace only": "Text can be pasted into the WorkSpace, and nothing copied inside it reaches the "
                               "local computer.",
    "disabled": "Switching a channel off entirely also blocks what the scenario needs to keep.",
    "allowed": "Remote printing sends documents from the WorkSpace to a printer attached to the local computer: "
               "data on paper outside the controlled desktop.",
    "Group Policy": "Windows WorkSpaces read these settings from Group Policy, through the administrative template "
                    "of the streaming protocol; Linux WorkSpaces do not apply Group Policy.",
    "agent configuration on the WorkSpace": "Settings in the streaming agent's files on the machine itself are how "
                                            "WorkSpaces that do not follow the directory's central policies are "
                                            "configured; a domain-joined Windows fleet is managed centrally.",
    "IAM policy": "IAM decides who may call the WorkSpaces API; it does not reach into a desktop session's "
                  "redirection channels.",
    "IP access control group": "An IP access control group decides which client addresses may connect; it does not "
                               "change what a connected session may redirect.",
}

SESSION_CONTROLS = MappingMatch(
    id="11.5", title="Keep card data inside the WorkSpace", points=3, answer_name="answer_11_5",
    explanations=_SESSION_EXPLANATIONS,
    parts=[
        Part("clipboard", "2d87f27b37ac7890a2c4c025ef792c2fb67fe786de6009b053d1d4759c328a19",
             "Reread the scenario: which way may text travel, and which way would carry card data out?",
             "clipboard redirection", _DIRECTIONS),
        Part("printing", "5054fe881b5132805e0ddec24d09d4750dea70f7e746214d7392be60fd793fbb",
             "Reread the scenario: is a printed page inside or outside the controlled desktop?",
             "remote printing", _PRINTING),
        Part("windows_where", "5b4f669199bcfed035e2c4d4535994489ab703e9df59a525638a3446e33f8caf",
             "Reread section 5: where do Windows WorkSpaces take their in-session settings from?",
             "where the Windows WorkSpaces' settings are made", _WHERE),
        Part("linux_where", "f90e1adf30fd146e80af658f9192d3c4e51cc168eacce2567bad70397b935568",
             "Reread section 5: do Linux WorkSpaces apply Group Policy?",
             "where the Linux WorkSpaces' settings are made", _WHERE),
    ],
)

register(DIRECTORY_CHOICE, CBA_PREREQUISITES, DEVICE_ACCESS, IP_RESTRICTION, SESSION_CONTROLS)
